"""Each edition's sitemaps and feeds: its own stories in its own language, every translated story
named with its versions in the other editions, and feed GUIDs that differ between translations
(the English ones as they were before there were editions)."""

from uuid import uuid5

import feedparser
import pytest
from django.conf import settings

from tests.news.conftest import text, xml
from tests.news.two_editions import media_in_tmp, newsroom, site  # noqa: F401 (the module's newsroom)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def sitemap_urls(client, path):
    """{loc: {hreflang: href}} of a sitemap page."""
    root = xml(client.get(path))
    return {
        url.find(f"{SM}loc").text: {link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")}
        for url in root.iter(f"{SM}url")
    }


def locations(client, path):
    return [loc.text for loc in xml(client.get(path)).iter(f"{SM}loc")]


def test_each_edition_has_its_own_sitemap_index_of_its_own_parts(client):
    assert locations(client, "/ru/sitemap.xml") == [
        site("/ru/sitemap-pages.xml"),
        site("/ru/sitemap-articles.xml"),
        site("/ru/sitemap-authors.xml"),
        site("/ru/sitemap-tags.xml"),
    ]
    assert locations(client, "/sitemap.xml")[0] == site("/sitemap-pages.xml")


def test_each_editions_articles_sitemap_lists_its_stories_with_their_translations(client):
    english, russian = sitemap_urls(client, "/sitemap-articles.xml"), sitemap_urls(client, "/ru/sitemap-articles.xml")
    assert set(english) == {site("/news/cranes-fall-silent/"), site("/news/ferry-fares-rise/")}
    assert set(russian) == {site("/ru/news/krany-zamolchali/"), site("/ru/news/tolko-po-russki/")}
    pair = {"en-gb": site("/news/cranes-fall-silent/"), "ru": site("/ru/news/krany-zamolchali/"),
            "x-default": site("/news/cranes-fall-silent/")}
    assert english[site("/news/cranes-fall-silent/")] == pair
    assert russian[site("/ru/news/krany-zamolchali/")] == pair
    assert english[site("/news/ferry-fares-rise/")] == {}
    assert russian[site("/ru/news/tolko-po-russki/")] == {}


def test_hreflang_pairs_in_every_sitemap_are_reciprocal(client):
    named = {}
    for path in ("/sitemap.xml", "/ru/sitemap.xml"):
        for part in locations(client, path):
            named.update(sitemap_urls(client, part.removeprefix(settings.SITE_URL)))
    assert any(named.values())
    for location, links in named.items():
        for hreflang, href in links.items():
            assert named[href] == links, (location, hreflang, href)


def test_pages_sitemap_lists_the_editions_own_front_page_and_sections(client):
    assert set(sitemap_urls(client, "/ru/sitemap-pages.xml")) == {site("/ru/"), site("/ru/news/")}
    assert set(sitemap_urls(client, "/sitemap-pages.xml")) == {site("/"), site("/news/")}


def test_news_sitemap_of_each_edition_names_its_language_in_iso_639(client):
    for path, language, stories in [
        ("/news-sitemap.xml", "en", {"Cranes fall silent", "Ferry fares rise"}),
        ("/ru/news-sitemap.xml", "ru", {"Краны замолчали", "Только по-русски"}),
    ]:
        root = xml(client.get(path))
        assert {element.text for element in root.iter(f"{NEWS}language")} == {language}
        assert {element.text for element in root.iter(f"{NEWS}title")} == stories


def test_robots_txt_names_every_editions_sitemaps_and_keeps_crawlers_out_of_each_search(client):
    lines = text(client.get("/robots.txt")).splitlines()
    for path in ("/sitemap.xml", "/news-sitemap.xml", "/ru/sitemap.xml", "/ru/news-sitemap.xml"):
        assert f"Sitemap: {site(path)}" in lines
    assert "Disallow: /search/" in lines
    assert "Disallow: /ru/search/" in lines


FEEDS = ["/rss.xml", "/atom.xml", "/news/rss.xml", "/tags/port/atom.xml"]


@pytest.mark.parametrize("path", FEEDS)
def test_each_editions_feeds_parse_and_carry_its_language_and_stories(client, path):
    english, russian = feedparser.parse(client.get(path).content), feedparser.parse(client.get("/ru" + path).content)
    assert not english.bozo and not russian.bozo, (english.get("bozo_exception"), russian.get("bozo_exception"))
    assert english.feed.language.lower() == "en-gb"
    assert russian.feed.language == "ru"
    assert "Краны замолчали" in {entry.title for entry in russian.entries}
    assert not {entry.title for entry in russian.entries} & {"Cranes fall silent", "Ferry fares rise"}
    assert russian.feed.link == site("/ru" + path.rsplit("/", 1)[0] + "/")


def test_russian_feed_xml_says_it_is_russian(client):
    assert "<language>ru</language>" in text(client.get("/ru/rss.xml"))
    assert 'xml:lang="ru"' in text(client.get("/ru/atom.xml"))


def test_translations_have_their_own_guids_and_english_keeps_its_own(client, newsroom):
    key = newsroom["cranes"].translation_key
    english = {entry.title: entry.id for entry in feedparser.parse(client.get("/rss.xml").content).entries}
    russian = {entry.title: entry.id for entry in feedparser.parse(client.get("/ru/rss.xml").content).entries}
    assert english["Cranes fall silent"] == f"urn:uuid:{key}"
    assert russian["Краны замолчали"] == f"urn:uuid:{uuid5(key, 'ru')}"
    assert len(set(english.values()) | set(russian.values())) == len(english) + len(russian)
