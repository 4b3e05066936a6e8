"""Editions: English unprefixed, Russian under /ru/, each with its own front page, sections and
stories; an edition without a front page of its own has nothing to show."""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Locale, Page

from samizdat.core.editions import create_locales
from samizdat.news.listing import public_path
from samizdat.news.models import HomePage
from samizdat.publishing.batch_cache import batch
from tests.factories import home_page, make_article, make_author, make_section, translate_home, translated
from tests.news.conftest import soup

pytestmark = pytest.mark.django_db


def test_every_language_of_the_settings_has_its_edition_after_migrate(settings):
    assert set(Locale.objects.values_list("language_code", flat=True)) >= {"en-gb", "ru"}
    settings.LANGUAGES = [*settings.LANGUAGES, ("uk", "Українська")]
    create_locales()
    assert Locale.objects.filter(language_code="uk").exists()
    assert home_page().locale.language_code == "en-gb"  # the first edition keeps its row


def test_the_russian_edition_without_its_own_front_page_is_not_found(client):
    make_article(make_section("News"), "Cranes fall silent")
    assert client.get("/").status_code == 200
    make_article(make_section("Sport"), "Ferry fares rise", tags=["port"])
    for address in ["/ru/", "/ru/news/", "/ru/news/cranes-fall-silent/", "/ru/rss.xml", "/ru/sitemap.xml",
                    "/ru/news-sitemap.xml", "/ru/tags/port/", "/ru/search/?q=ferry", "/ru/news/rss.xml"]:
        assert client.get(address).status_code == 404, address


def test_an_unprefixed_address_is_english_whatever_the_browser_asks_for(client):
    make_article(make_section("News"), "Cranes fall silent")
    page = soup(client.get("/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert page.html["lang"] == "en-gb"
    assert "Cranes fall silent" in page.get_text()


@pytest.fixture
def two_editions():
    english = make_section("News")
    russian = make_section("Новости", slug="novosti", home=translate_home("ru"))
    return {
        "english": make_article(english, "Cranes fall silent", tags=["port"]),
        "russian": make_article(russian, "Краны остановились", tags=["порт"]),
    }


def test_each_edition_lists_only_its_own_stories(client, two_editions):
    english, russian = soup(client.get("/")), soup(client.get("/ru/"))
    assert "Cranes fall silent" in english.get_text() and "Краны остановились" not in english.get_text()
    assert "Краны остановились" in russian.get_text() and "Cranes fall silent" not in russian.get_text()
    assert russian.html["lang"] == "ru"
    # The menu shows the edition's own sections, at their addresses in it.
    menu = [link["href"] for link in russian.select("header a[href]")]
    assert "/ru/novosti/" in menu and "/news/" not in menu
    assert "Краны остановились" not in client.get("/news/").content.decode()


def test_a_russian_story_lives_under_ru(client, two_editions):
    story = two_editions["russian"]
    address = "/ru/novosti/" + quote(story.slug) + "/"
    assert story.url == address
    with batch():  # the publisher's quick way to addresses agrees with Wagtail's
        assert public_path(story) == address and public_path(two_editions["english"]) == "/news/cranes-fall-silent/"
    assert "Краны остановились" in soup(client.get(address)).get_text()
    assert client.get("/novosti/" + quote(story.slug) + "/").status_code == 404


def test_the_admin_and_webhooks_stay_unprefixed(client):
    assert client.get("/ru/admin/").status_code == 404
    assert reverse("wagtailadmin_home") == "/admin/"
    assert settings.LANGUAGE_CODE == "en-gb" and [code for code, _ in settings.LANGUAGES][:2] == ["en-gb", "ru"]


def test_a_translated_story_is_bylined_by_the_authors_translation_on_its_own_author_page(client):
    irina = make_author("Irina Volkova", slug="irina-volkova")
    irina_in_russian = irina.copy_for_translation(Locale.objects.get(language_code="ru"))
    irina_in_russian.name = "Ирина Волкова"
    irina_in_russian.save()
    news = make_section("News")
    translate_home("ru")
    translated(news, title="Новости", slug="novosti")
    story = translated(make_article(news, "Cranes fall silent", authors=[irina]), title="Краны остановились",
                       standfirst="Краны стоят.")
    assert [author.name for author in story.authors] == ["Ирина Волкова"]
    assert story.get_latest_revision_as_object().authors == [irina_in_russian]  # the draft an editor opens
    russian = soup(client.get("/ru/authors/irina-volkova/"))
    assert "Ирина Волкова" in russian.get_text() and "Краны остановились" in russian.get_text()
    assert "Cranes fall silent" not in russian.get_text()
    english = soup(client.get("/authors/irina-volkova/")).get_text()
    assert "Irina Volkova" in english and "Краны остановились" not in english
    assert irina_in_russian.get_absolute_url() == "/ru/authors/irina-volkova/"


def test_a_second_front_page_in_one_edition_is_refused_with_a_reason():
    with pytest.raises(ValidationError, match="This edition has a front page already"):
        Page.get_first_root_node().add_child(instance=HomePage(title="Another front page", slug="another"))
    assert translate_home("ru").locale.language_code == "ru"  # the other edition's is welcome
