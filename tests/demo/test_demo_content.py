"""The demo's content on disk: its pictures and dates, and loading it over a newsroom of one's own."""

from datetime import timedelta
from io import StringIO

import pytest
from django.utils import timezone

from samizdat.demo import newsroom
from samizdat.demo.images import generate_image, generate_images_for
from samizdat.news.models import ArticlePage
from tests.factories import make_article, make_section


@pytest.mark.django_db
def test_the_demo_is_not_loaded_over_a_newsroom_with_its_own_articles(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_article(make_section("News"), title="Our own first story")
    output = StringIO()
    assert newsroom.load_demo(write=lambda line: output.write(line + "\n")) is False
    assert "was not loaded" in output.getvalue()
    assert ArticlePage.objects.count() == 1


def test_demo_pictures_are_drawn_the_same_every_time(tmp_path):
    generate_image(tmp_path / "a.jpg", seed="images/harbour.jpg", width=320, height=180)
    generate_image(tmp_path / "b.jpg", seed="images/harbour.jpg", width=320, height=180)
    generate_image(tmp_path / "c.jpg", seed="images/other.jpg", width=320, height=180)
    assert (tmp_path / "a.jpg").read_bytes() == (tmp_path / "b.jpg").read_bytes()
    assert (tmp_path / "a.jpg").read_bytes() != (tmp_path / "c.jpg").read_bytes()


def test_every_picture_the_demo_content_names_is_generated(tmp_path):
    written = generate_images_for(newsroom.CONTENT_DIR, tmp_path)
    names = {path.relative_to(tmp_path).as_posix() for path in written}
    for markdown in newsroom.CONTENT_DIR.glob("*.md"):
        assert f"images/{markdown.stem}.jpg" in names, markdown.name


def test_shifting_dates_keeps_order_and_never_lands_in_the_future(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: A\ndate: 2026-01-10T09:00:00+02:00\nupdated: 2026-01-10T12:00:00+02:00\n"
        "corrections:\n  - date: 2026-01-12\n    text: Fixed.\n---\nBody\n"
    )
    (tmp_path / "b.md").write_text("---\ntitle: B\ndate: 2026-01-08T07:30:00+02:00\n---\nBody date: 2026-01-08\n")
    now = timezone.now()
    newsroom.shift_dates(tmp_path, now)
    a, b = (tmp_path / "a.md").read_text(), (tmp_path / "b.md").read_text()
    a_date = newsroom._newest_date(a)
    b_date = newsroom._newest_date(b)
    assert now - timedelta(days=1, minutes=5) <= a_date <= now
    assert a_date - b_date == timedelta(days=2, hours=1, minutes=30)
    assert f"date: {timezone.localdate(now).isoformat()}" in a  # the correction, held at today
    assert "Body date: 2026-01-08" in b  # bodies are left alone


def test_a_draft_does_not_decide_how_far_dates_move(tmp_path):
    (tmp_path / "live.md").write_text("---\ntitle: A\ndate: 2026-01-10T09:00:00+02:00\n---\nBody\n")
    (tmp_path / "draft.md").write_text("---\ntitle: B\ndate: 2026-01-20T09:00:00+02:00\ndraft: true\n---\nBody\n")
    now = timezone.now()
    newsroom.shift_dates(tmp_path, now)
    live = newsroom._newest_date((tmp_path / "live.md").read_text())
    assert now - timedelta(days=1, minutes=5) <= live <= now
