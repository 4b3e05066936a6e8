"""Search per language: a reader finds a story by another form of its words ("ferry" finds
"ferries", "забастовка" finds "забастовку"), in the edition of the language they read in, and
nothing from another edition. Runs on SQLite (Snowball stems in Python) and on PostgreSQL (the
language's text-search configuration)."""

import pytest
from django.db import connection
from django.utils import translation
from modelsearch.query import Phrase
from wagtail.models import Locale

from wagtail.search.backends import get_search_backend

from samizdat.news.listing import published_articles
from samizdat.news.models.article import ArticlePage
from samizdat.news.models.people import Author
from samizdat.news.search import search_articles
from tests.factories import make_article, make_author, make_section
from tests.news.conftest import built_once, soup

pytestmark = pytest.mark.django_db

EDITIONS = [("en-gb", "English"), ("ru", "Russian")]


def paragraph(text):
    return [("paragraph", f"<p>{text}</p>")]


def build_newsroom():
    news = make_section("News")
    make_article(news, "Harbour ferries return", body=paragraph("Three ferries sail to Tallinn again."), minutes_ago=10)
    make_article(news, "A ferry a day", body=paragraph("The timetable is thin."), minutes_ago=20)
    make_article(news, "Dockers walk out", body=paragraph("The strike closes the harbour."), minutes_ago=30)
    russian = Locale.objects.get(language_code="ru")  # made by migrate, as for every edition
    novosti = news.copy_for_translation(russian, copy_parents=True)
    novosti.title, novosti.slug = "Новости", "novosti"
    novosti.save_revision().publish()
    make_article(novosti, "Докеры объявили забастовку", standfirst="Порт в Таллине стоит.",
                 body=paragraph("Забастовку поддержали крановщики."), minutes_ago=10)
    make_article(novosti, "Забастовка закончилась", body=paragraph("Паромы снова ходят в Хельсинки."), minutes_ago=20)
    make_article(novosti, "Ёлка на площади", body=paragraph("Зажгли огни."), minutes_ago=30)
    make_author("Irina Volkova")
    return {"news": news, "novosti": novosti}


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker, shared_media):
    with built_once(django_db_blocker, shared_media):
        yield build_newsroom()


@pytest.fixture(autouse=True)
def two_editions(settings, shared_media, newsroom):
    settings.MEDIA_ROOT = shared_media
    settings.LANGUAGES = EDITIONS
    settings.WAGTAIL_CONTENT_LANGUAGES = EDITIONS


def found(client, query):
    page = soup(client.get("/search/", {"q": query}))
    return sorted(a.get_text() for a in page.select(".teaser-headline a"))


def found_in(language, query):
    with translation.override(language):
        _, results = search_articles(query, per_page=50)
    return sorted(article.title for article in results or [])


@pytest.mark.parametrize("query", ["ferry", "ferries", "Ferries", "FERRY"])
def test_an_english_word_finds_its_other_forms(client, query):
    assert found(client, query) == ["A ferry a day", "Harbour ferries return"]


@pytest.mark.parametrize("query", ["walked out", "striking dockers", "closed harbours"])
def test_every_word_may_come_in_another_form(client, query):
    assert found(client, query) == ["Dockers walk out"]


@pytest.mark.parametrize("query", ["забастовка", "забастовку", "забастовки", "Забастовкой", "ЗАБАСТОВКЕ"])
def test_a_russian_word_finds_its_other_forms(query):
    assert found_in("ru", query) == ["Докеры объявили забастовку", "Забастовка закончилась"]


@pytest.mark.parametrize("query", ["докер забастовка", "порту Таллина", "паромов Хельсинки"])
def test_every_russian_word_may_come_in_another_form(query):
    assert len(found_in("ru", query)) == 1


def test_yo_and_ye_are_the_same_letter_to_a_reader():
    assert found_in("ru", "елка") == ["Ёлка на площади"]
    assert found_in("ru", "ёлки") == ["Ёлка на площади"]


def test_a_stress_mark_typed_in_the_query_does_not_hide_the_story():
    assert found_in("ru", "забасто\u0301вка") == ["Докеры объявили забастовку", "Забастовка закончилась"]


def test_a_reader_finds_only_stories_of_the_edition_they_read(client):
    assert found(client, "забастовка") == []  # the English edition has no Russian stories
    assert found(client, "Tallinn") == ["Harbour ferries return"]
    assert found_in("ru", "Таллин") == ["Докеры объявили забастовку"]
    assert found_in("ru", "ferries") == []


def test_staff_searching_in_english_find_a_russian_story_by_another_form_of_its_words():
    """The admin searches every locale, in the staff member's language and the site's others."""
    with translation.override("en-gb"):  # the admin's search: every edition's live stories
        titles = sorted(article.title for article in ArticlePage.objects.live().search("забастовки"))
    assert titles == ["Докеры объявили забастовку", "Забастовка закончилась"]


def test_the_english_edition_page_says_a_russian_word_is_not_found(client):
    body = soup(client.get("/search/", {"q": "забастовка"})).get_text()
    assert "No articles match “забастовка”." in body


def test_a_phrase_matches_its_words_in_another_form_but_only_in_order():
    with translation.override("en-gb"):
        assert [a.title for a in published_articles().search(Phrase("ferry returned"))] == ["Harbour ferries return"]
        assert list(published_articles().search(Phrase("returned ferry"))) == []


def test_names_are_still_completed_from_their_first_letters():
    backend = get_search_backend()
    assert [author.name for author in backend.autocomplete("Iri", Author)] == ["Irina Volkova"]
    assert [author.name for author in backend.autocomplete("volk", Author)] == ["Irina Volkova"]


def test_a_new_russian_story_is_found_once_published_and_not_once_unpublished(newsroom):
    story = make_article(newsroom["novosti"], "Паромщики бастуют", body=paragraph("Паромщики требуют прибавки."))
    assert found_in("ru", "паромщик") == ["Паромщики бастуют"]
    story.unpublish()
    assert found_in("ru", "паромщик") == []


def test_an_edited_story_is_found_by_its_new_words_only(newsroom):
    story = make_article(newsroom["novosti"], "Порт открыт", body=paragraph("Краны работают."))
    story.body = paragraph("Буксиры вернулись.")
    story.save_revision().publish()
    assert found_in("ru", "буксир") == ["Порт открыт"]
    assert found_in("ru", "кран") == []


@pytest.mark.parametrize(
    "query",
    [
        "и в на",  # Russian stop words only (no story has all three, so SQLite finds none either)
        "the of and",  # English stop words only
        "«»—…!?",
        "бастующие " * 55,  # 550 characters, cut to 200 in the middle of a word
        "z" * 500,
        "\u202e\u200b\u200d",
        "🚢⚓ 漢字 العربية",
        "\u02bc\u0308\u0301 \u0300 \u0345",  # marks with no letter under them
    ],
)
@pytest.mark.parametrize("language", ["en-gb", "ru"])
def test_stop_words_punctuation_floods_and_odd_unicode_find_nothing_and_say_so(client, query, language):
    with translation.override(language):
        query_used, results = search_articles(query)
    edition = "/ru" if language == "ru" else ""  # the reader's edition, whatever the browser says
    body = soup(client.get(f"{edition}/search/", {"q": query})).get_text()
    assert len(query_used) <= 200
    assert results is None or results.paginator.count == 0
    if language == "ru":  # the page speaks the reader's language
        said = "Введите слово или два, чтобы найти статьи." if results is None else f"По запросу «{query_used}» ничего не нашлось."
    else:
        said = "Type a word or two to search the articles." if results is None else f"No articles match “{query_used}”."
    assert said in body


def test_a_query_of_stop_words_only_finds_nothing_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no stop words: 'the' is a word like any other there (docs/search.md)")
    assert found_in("en-gb", "the of and") == []
    assert found_in("ru", "и в на") == []
