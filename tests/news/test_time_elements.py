"""Every `<time datetime>` a reader's page carries is a valid HTML date and time: whole seconds and
the time zone, even for a story published from the admin (its time has microseconds)."""

import re
from datetime import datetime

import pytest

from samizdat.news.models import ArticlePage
from tests.factories import make_author, make_section
from tests.news.conftest import soup

pytestmark = [pytest.mark.django_db]

# HTML's valid global date and time string, as written to the second (no fraction), with an offset.
VALID = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})")


def test_a_story_published_from_the_admin_carries_times_to_the_second_with_its_time_zone(client):
    news = make_section("News")
    story = ArticlePage(title="Harbour cranes fall silent", standfirst="Dockers walk out.",
                        body=[("paragraph", "<p>The terminal stood still.</p>")])
    news.add_child(instance=story)
    story.article_authors.create(author=make_author("Irina Volkova"))
    story.save_revision().publish()  # as the admin's Publish button does: published_at is now
    story.refresh_from_db()
    assert story.published_at.microsecond, "the admin's publishing time has a fraction of a second"

    for path in (story.url, news.url, "/authors/irina-volkova/", "/search/?q=harbour"):
        times = soup(client.get(path)).select("time[datetime]")
        assert times, f"{path} shows no time"
        for time in times:
            assert VALID.fullmatch(time["datetime"]), f"{path}: {time['datetime']}"
            assert datetime.fromisoformat(time["datetime"]) == story.published_at.replace(microsecond=0)
