"""Linked translations in a page's head and header: every edition's version of a story, a section,
an author or a tag named with `hreflang` (and `x-default`, the English), and a switcher that goes
to the same story in the other edition, else to that edition's front page."""

import pytest

from tests.news.conftest import soup
from tests.news.two_editions import media_in_tmp, newsroom, site  # noqa: F401 (the module's newsroom)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


def alternates(client, path):
    """{hreflang: href} of the page's `<link rel="alternate" hreflang>`."""
    head = soup(client.get(path)).head
    return {link["hreflang"]: link["href"] for link in head.find_all("link", rel="alternate", hreflang=True)}


def switcher(client, path):
    """[(label, href, lang, hreflang)] of the header's edition switcher."""
    nav = soup(client.get(path)).find("nav", class_="edition-switcher")
    return [(a.get_text(), a["href"], a["lang"], a["hreflang"]) for a in nav.find_all("a")] if nav else []


def test_a_translated_story_and_its_translation_name_each_other_and_english_as_default(client):
    english = alternates(client, "/news/cranes-fall-silent/")
    assert english == {
        "en-gb": site("/news/cranes-fall-silent/"),
        "ru": site("/ru/news/krany-zamolchali/"),
        "x-default": site("/news/cranes-fall-silent/"),
    }
    assert alternates(client, "/ru/news/krany-zamolchali/") == english


def test_a_story_in_one_edition_only_names_no_alternates(client):
    assert alternates(client, "/news/ferry-fares-rise/") == {}
    assert alternates(client, "/ru/news/tolko-po-russki/") == {}


def test_front_pages_sections_and_tags_name_the_other_editions_equivalent(client):
    assert alternates(client, "/") == {"en-gb": site("/"), "ru": site("/ru/"), "x-default": site("/")}
    assert alternates(client, "/ru/news/")["en-gb"] == site("/news/")
    assert alternates(client, "/tags/port/") == {
        "en-gb": site("/tags/port/"),
        "ru": site("/ru/tags/port/"),
        "x-default": site("/tags/port/"),
    }


def test_an_author_and_her_translation_name_each_other(client):
    pair = {
        "en-gb": site("/authors/irina-volkova/"),
        "ru": site("/ru/authors/irina-volkova/"),
        "x-default": site("/authors/irina-volkova/"),
    }
    assert alternates(client, "/authors/irina-volkova/") == pair
    assert alternates(client, "/ru/authors/irina-volkova/") == pair
    assert "Ирина Волкова" in soup(client.get("/ru/authors/irina-volkova/")).h1.get_text()


def test_an_author_in_one_edition_only_names_no_alternates_and_switches_to_the_front_page(client):
    assert alternates(client, "/authors/tomas-brandt/") == {}
    assert switcher(client, "/authors/tomas-brandt/") == [("Русский", "/ru/", "ru", "ru")]


def test_the_switcher_goes_from_a_story_to_its_translation_and_back(client):
    assert switcher(client, "/news/cranes-fall-silent/") == [("Русский", "/ru/news/krany-zamolchali/", "ru", "ru")]
    assert switcher(client, "/ru/news/krany-zamolchali/") == [
        ("English", "/news/cranes-fall-silent/", "en-gb", "en-gb")
    ]


def test_the_switcher_on_an_untranslated_story_goes_to_the_other_front_page(client):
    assert switcher(client, "/news/ferry-fares-rise/") == [("Русский", "/ru/", "ru", "ru")]
    assert switcher(client, "/ru/news/tolko-po-russki/") == [("English", "/", "en-gb", "en-gb")]


def test_the_switcher_is_a_named_navigation_in_the_readers_language(client):
    english = soup(client.get("/")).find("nav", class_="edition-switcher")
    russian = soup(client.get("/ru/")).find("nav", class_="edition-switcher")
    assert english["aria-label"] == "Editions"
    assert russian["aria-label"] == "Версии сайта"


def test_russian_pages_say_they_are_russian_and_left_to_right(client):
    for path in ("/ru/", "/ru/news/krany-zamolchali/", "/ru/tags/port/"):
        html = soup(client.get(path)).html
        assert (html["lang"], html["dir"]) == ("ru", "ltr"), path
    assert soup(client.get("/")).html["lang"] == "en-gb"


def test_each_edition_advertises_its_own_feeds(client):
    head = soup(client.get("/ru/news/krany-zamolchali/")).head
    feeds = {link["type"]: link["href"] for link in head.find_all("link", rel="alternate", type=True)}
    assert feeds == {"application/rss+xml": "/ru/rss.xml", "application/atom+xml": "/ru/atom.xml"}


@pytest.mark.parametrize("path, language", [
    ("/", "en-gb"), ("/ru/", "ru"), ("/news/cranes-fall-silent/", "en-gb"), ("/ru/news/krany-zamolchali/", "ru"),
    ("/ru/news/", "ru"), ("/tags/port/", "en-gb"), ("/ru/tags/port/", "ru"),
])
def test_a_pages_canonical_address_is_the_one_its_hreflang_names_for_itself(client, path, language):
    canonical = soup(client.get(path)).head.find("link", rel="canonical")["href"]
    assert canonical == site(path) == alternates(client, path)[language]


def test_a_russian_tag_page_and_a_russian_storys_tags_stay_in_the_russian_edition(client):
    tag_page = soup(client.get("/ru/tags/port/"))
    feeds = {link["type"]: link["href"] for link in tag_page.head.find_all("link", rel="alternate", type=True)}
    assert feeds["application/rss+xml"] == "/ru/tags/port/rss.xml"
    assert [a["href"] for a in tag_page.select(".feeds a")] == ["/ru/tags/port/rss.xml", "/ru/tags/port/atom.xml"]
    story = soup(client.get("/ru/news/krany-zamolchali/"))
    assert [a["href"] for a in story.select("a[rel=tag]")] == ["/ru/tags/port/"]
