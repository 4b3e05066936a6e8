"""A reader switches editions in a real browser: from an English story to its Russian translation
and back by the header's language links, and from a story with no translation to the Russian
front page."""

import pytest
from playwright.sync_api import expect

from tests.news.two_editions import build_two_editions

pytestmark = [
    pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("search_index_not_kept"),
]


def switch_to(reader, language_name, path):
    page = reader.page
    editions = page.get_by_role("navigation", name="Editions" if language_name == "Русский" else "Версии сайта")
    editions.get_by_role("link", name=language_name).click()
    page.wait_for_url(reader.server_url + path)


def test_a_reader_switches_to_the_russian_translation_of_a_story_and_back(reader):
    build_two_editions()
    page = reader.page
    reader.open("/news/cranes-fall-silent/")
    switch_to(reader, "Русский", "/ru/news/krany-zamolchali/")
    expect(page.get_by_role("heading", level=1, name="Краны замолчали")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    reader.screenshot("edition-switcher-ru.png")

    switch_to(reader, "English", "/news/cranes-fall-silent/")
    expect(page.get_by_role("heading", level=1, name="Cranes fall silent")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    assert not any(reader.problems().values()), reader.problems()


def test_a_story_without_a_translation_switches_to_the_russian_front_page(reader):
    build_two_editions()
    reader.open("/news/ferry-fares-rise/")
    switch_to(reader, "Русский", "/ru/")
    expect(reader.page.locator("html")).to_have_attribute("lang", "ru")
    assert not any(reader.problems().values()), reader.problems()
