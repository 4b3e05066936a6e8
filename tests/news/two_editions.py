"""Two editions for the tests of linked translations: English, and its Russian translation, built
once per test module (import `newsroom` and `media_in_tmp` into the module to use them)."""

import pytest
from django.conf import settings
from wagtail.models import Locale

from tests.factories import make_article, make_author, make_section, translate_home, translated
from tests.news.conftest import built_once


def build_two_editions():
    """An English edition and its Russian translation: one story in both (by an author in both),
    one in English only (by an author in English only), one written in Russian alone; the port tag
    on stories of both."""
    news = make_section("News")
    irina, tomas = make_author("Irina Volkova"), make_author("Tomas Brandt")
    cranes = make_article(news, "Cranes fall silent", tags=["port"], authors=[irina], minutes_ago=10)
    ferry = make_article(news, "Ferry fares rise", authors=[tomas], minutes_ago=20)
    translate_home("ru")
    ru_irina = irina.copy_for_translation(Locale.objects.get(language_code="ru"))
    ru_irina.name = "Ирина Волкова"
    ru_irina.save()  # before the story's translation, which takes her Russian byline
    ru_news = translated(news, title="Новости")
    ru_cranes = translated(cranes, title="Краны замолчали", slug="krany-zamolchali")
    ru_only = make_article(ru_news, "Только по-русски", slug="tolko-po-russki", tags=["port"], minutes_ago=30)
    return {"cranes": cranes, "ru_cranes": ru_cranes, "ferry": ferry, "ru_only": ru_only}


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker, shared_media):
    with built_once(django_db_blocker, shared_media):
        yield build_two_editions()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, shared_media, newsroom):
    settings.MEDIA_ROOT = shared_media


def site(path):
    return settings.SITE_URL + path
