"""public_path(): the path Wagtail gives a page, worked out without a reverse() per page."""

import pytest
from wagtail.models import Page, Site

from samizdat.publishing.batch_cache import batch
from samizdat.news.listing import public_path
from tests.factories import home_page, make_article, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


def wagtails_path(page):
    parts = page.get_url_parts()
    return parts[2] if parts else None


def test_every_page_gets_wagtails_path_odd_slugs_included():
    news = make_section("News")
    pages = [
        home_page(),
        news,
        make_article(news, "Plain"),
        make_article(news, "Новости порта", slug="новости-порта"),
        make_article(news, "Straße", slug="straße-2026"),
        make_article(news, "Underscore", slug="under_score"),
        make_article(make_section("Ünïcode", slug="ünïcode"), "Deep", slug="ça-va"),
    ]
    for page in pages:
        expected = wagtails_path(Page.objects.get(pk=page.pk).specific)
        assert public_path(page) == expected
        with batch():
            assert public_path(page) == expected
        # A row read without its page (as the sitemaps read ten thousand) gets the same path.
        assert public_path(Page.objects.values_list("pk", "url_path", named=True).get(pk=page.pk)) == expected
    assert public_path(pages[3]) == "/news/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8-%D0%BF%D0%BE%D1%80%D1%82%D0%B0/"


def test_pages_outside_every_site_have_no_path():
    root = Page.objects.get(depth=1)
    stray = root.add_child(instance=Page(title="Elsewhere", slug="elsewhere"))
    assert wagtails_path(stray) is None
    assert public_path(stray) is None
    assert public_path(Page.objects.values_list("pk", "url_path", named=True).get(pk=stray.pk)) is None


def test_a_second_site_changes_nothing_for_pages_under_the_first():
    news = make_section("News")
    article = make_article(news, "Plain")
    root = Page.objects.get(depth=1)
    other_home = root.add_child(instance=Page(title="Other", slug="other-home"))
    Site.objects.create(hostname="mirror.example", port=80, root_page=other_home)
    other_page = other_home.add_child(instance=Page(title="Hello", slug="hello"))
    Site.clear_site_root_paths_cache()
    try:
        assert public_path(article) == wagtails_path(article) == "/news/plain/"
        assert public_path(other_page) == wagtails_path(other_page) == "/hello/"
    finally:
        Site.clear_site_root_paths_cache()
