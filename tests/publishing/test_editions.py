"""Every edition published the same way: /ru/ written as files beside the English ones, in one
batch or apart, an edit in one edition republishing that edition and its translations' pages."""

from datetime import datetime, timezone

import pytest
from django.utils import translation

from samizdat.news.pieces import render_kept
from samizdat.publishing.batch_cache import batch
from samizdat.publishing.output import current_root, target
from samizdat.publishing.publish import publish_urls
from samizdat.publishing.rebuild import rebuild_site
from samizdat.publishing.serving import StaticFirst
from tests.factories import make_article, make_section, translate_home, translated

pytestmark = pytest.mark.django_db

TEASER = "news/includes/teaser.html"
PUBLISHED = datetime(2026, 12, 5, 9, 30, tzinfo=timezone.utc)


def two_editions():
    news = make_section("News")
    translate_home("ru")
    novosti = translated(news, title="Новости", slug="novosti")
    english = make_article(news, "Cranes fall silent", tags=["port"], published_at=PUBLISHED)
    russian = translated(english, title="Краны остановились", slug="krany", standfirst="Краны стоят.")
    alone = make_article(novosti, "Паром вернулся", tags=["порт"], published_at=PUBLISHED)
    return {"english": english, "russian": russian, "alone": alone}


def test_one_batch_of_both_editions_writes_what_a_batch_per_edition_writes(tmp_path):
    stories = two_editions()
    english = ["/", "/news/", stories["english"].url, "/rss.xml", "/tags/port/", "/sitemap.xml"]
    russian = ["/ru/", "/ru/novosti/", stories["russian"].url, "/ru/rss.xml", "/ru/tags/port/", "/ru/sitemap.xml"]
    mixed, apart = tmp_path / "mixed", tmp_path / "apart"
    mixed.mkdir(), apart.mkdir()
    report = publish_urls([url for pair in zip(english, russian) for url in pair], root=mixed)
    assert not report.failed and not report.removed, report.summary()
    publish_urls(english, root=apart)
    publish_urls(russian, root=apart)
    for url in english + russian:
        assert target(mixed, url).read_bytes() == target(apart, url).read_bytes(), url
    front = target(mixed, "/ru/").read_text()
    assert 'lang="ru"' in front and "Паром вернулся" in front and "Краны остановились" in front
    assert "Cranes fall silent" not in front and 'href="/ru/novosti/"' in front
    english_front = target(mixed, "/").read_text()
    assert "Паром вернулся" not in english_front and 'href="/news/"' in english_front


def test_a_teaser_kept_in_english_is_never_served_in_russian():
    data = {"article": {"title": "Cranes", "url": "/news/cranes/", "published_at": PUBLISHED}}
    with batch():
        with translation.override("en-gb"):
            english = render_kept(TEASER, data)
        with translation.override("ru"):
            russian = render_kept(TEASER, data)
    assert english != russian and "05.12.2026" in russian
    with batch(), translation.override("ru"):  # kept on disk from the batch before
        assert render_kept(TEASER, data) == russian


def test_a_russian_edit_republishes_its_edition_and_the_english_translation_only(public):
    stories = two_editions()
    english, russian = stories["english"], stories["russian"]
    assert public.has("/ru/") and public.has(russian.url) and public.has("/ru/rss.xml")
    english_only = ["/", "/news/", "/rss.xml", "/tags/port/", "/sitemap-articles.xml"]
    for url in [english.url, *english_only]:
        public.file(url).unlink()
    russian.title = "Краны снова работают"
    russian.save_revision().publish()
    # The translation carries the English story's tags (Wagtail copies them): /ru/tags/port/.
    for url in [russian.url, "/ru/", "/ru/novosti/", "/ru/rss.xml", "/ru/tags/port/"]:
        assert "Краны снова работают" in public.text(url), url
    assert public.has(english.url)  # its alternates and switcher point at the Russian page
    assert not any(public.has(url) for url in english_only)


def test_the_russian_edition_is_served_from_its_published_files(public, settings):
    stories = two_editions()
    fast_path = StaticFirst(app=None, public_dir=settings.PUBLIC_DIR)
    for url in ["/ru/", stories["russian"].url, "/ru/rss.xml"]:
        found = fast_path.find(url.encode().decode("latin-1"))
        assert found is not None and found[0].read_bytes() == target(current_root(), url).read_bytes(), url
    assert 'lang="ru"' in fast_path.find("/ru/")[0].read_text()


def test_an_edition_without_a_live_front_page_publishes_nothing(public, settings):
    settings.PUBLISHING_ENABLED = False
    make_article(make_section("News"), "Cranes fall silent", tags=["port"])
    rebuild_site(processes=1)
    assert public.has("/") and public.has("/rss.xml")
    assert not (public.path / "ru").exists()
    translate_home("ru")
    rebuild_site(processes=1)
    assert public.has("/ru/") and public.has("/ru/rss.xml") and public.has("/ru/sitemap.xml")
