"""Editors see in the admin which stories are translated into the other editions and which not."""

import pytest
from django.contrib.auth.models import User

from tests.factories import make_article, make_section, translate_home, translated
from tests.news.conftest import soup

pytestmark = pytest.mark.django_db


def test_the_stories_list_says_which_are_translated_live_as_draft_or_not_at_all(client):
    client.force_login(User.objects.create_superuser("editor", "editor@courier.example", "pw"))
    news = make_section("News")
    translate_home("ru")
    translated(news, title="Новости", slug="novosti")
    live = make_article(news, "Cranes fall silent")
    translated(live, title="Краны остановились", standfirst="Краны стоят.")
    drafted = make_article(news, "Ferry fares rise", minutes_ago=90)
    drafted.copy_for_translation(translated_locale := live.get_translations().get().locale)
    make_article(news, "Council votes on tolls", minutes_ago=120)
    rows = {
        row.select_one("a").get_text(strip=True): row.get_text(" ", strip=True)
        for row in soup(client.get("/admin/stories/")).select("tbody tr")
    }
    name = translated_locale.get_display_name()
    assert f"{name}: live" in rows["Cranes fall silent"]
    assert f"{name}: draft" in rows["Ferry fares rise"]
    assert f"{name}: missing" in rows["Council votes on tolls"]
    assert name == "Русский"
