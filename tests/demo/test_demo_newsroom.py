"""The demo newsroom that `make run` loads: The Lindenport Courier, through the Markdown importer."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone
from wagtail.models import Locale

from samizdat.core.models import NewsroomSettings
from samizdat.demo import newsroom
from samizdat.news.models import ArticlePage, Author, SectionPage
from tests.news.conftest import built_once, soup, xml

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, shared_media):
    with built_once(django_db_blocker, shared_media):
        output = StringIO()
        call_command("load_demo", stdout=output)
        yield output.getvalue()


@pytest.fixture
def media_in_tmp(settings, shared_media, demo):
    settings.MEDIA_ROOT = shared_media


def test_demo_has_about_thirty_articles_in_four_sections_by_six_authors(demo):
    english = Locale.objects.get(language_code="en-gb")
    articles = ArticlePage.objects.live().filter(locale=english)
    assert 28 <= articles.count() <= 40
    sections = {section.title: section for section in SectionPage.objects.live().filter(locale=english)}
    assert set(sections) == {"News", "Opinion", "Business", "Arts & Life"}
    for section in sections.values():
        assert articles.descendant_of(section).count() >= 5, section.title
    authors = Author.objects.filter(name__in=[name for name, _role, _bio in newsroom.AUTHORS])
    assert authors.count() == 6
    assert all(author.role and author.bio for author in Author.objects.all())
    assert " 0 rejected" in demo


def test_demo_has_a_russian_edition_of_about_ten_stories_some_translated(demo):
    russian = Locale.objects.get(language_code="ru")
    stories = ArticlePage.objects.live().filter(locale=russian)
    assert 8 <= stories.count() <= 15
    assert {s.title for s in SectionPage.objects.live().filter(locale=russian)} == {"Новости", "Мнения", "Экономика", "Культура"}
    translated = [story for story in stories if story.get_translations().exists()]
    assert 3 <= len(translated) < stories.count()  # some translations of English stories, some standing alone
    english = translated[0].get_translations().get()
    assert english.locale.language_code == "en-gb"
    front = soup(Client().get("/ru/"))
    assert front.html["lang"] == "ru"
    newest = stories.order_by("-published_at").first()
    assert front.find("a", href=newest.url) is not None and newest.url.startswith("/ru/")
    volkova = Author.objects.get(name="Ирина Волкова")
    assert volkova.locale == russian and volkova.get_translation(Locale.objects.get(language_code="en-gb")).name == "Irina Volkova"
    assert volkova in {a for story in stories.specific() for a in story.authors}
    assert "Ирина Волкова" in soup(Client().get(volkova.get_absolute_url())).get_text()
    # A Russian newsletter offered on the Russian pages, and a Russian appeal in their appeals file.
    assert front.select_one("form.newsletter-form input[name=newsletter]")["value"] == "nedelya"
    appeals = Client().get("/ru/support/appeals.json").json()["appeals"]
    assert [appeal["heading"] for appeal in appeals] == ["Письмо от редакции"]


def test_every_demo_article_has_the_parts_a_reader_expects(demo):
    for article in ArticlePage.objects.live().specific():
        assert article.standfirst, article.slug
        assert article.lead_image and article.lead_image_caption and article.lead_image_credit, article.slug
        assert article.authors, article.slug
        assert article.tags.exists(), article.slug
        assert len(article.body) >= 5, article.slug
    with_credit_line = ArticlePage.objects.live().exclude(credit_line="")
    assert with_credit_line.exists()
    assert ArticlePage.objects.live().filter(corrections__isnull=False).exists()


def test_demo_dates_are_brought_up_to_today_so_the_news_sitemap_has_stories(demo):
    newest = ArticlePage.objects.live().order_by("-published_at").first()
    now = timezone.now()
    assert now - timedelta(days=1, minutes=5) <= newest.published_at <= now
    assert not ArticlePage.objects.filter(published_at__gt=now).exists()
    urls = xml(Client().get("/news-sitemap.xml")).findall(".//{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    assert urls


def test_demo_front_page_names_the_newsroom_and_links_the_privacy_policy(demo):
    page = soup(Client().get("/"))
    assert newsroom.NAME in page.title.get_text()
    privacy = NewsroomSettings.objects.get().privacy_policy_page
    assert privacy is not None and privacy.live
    assert Client().get(privacy.url).status_code == 200
    article = ArticlePage.objects.live().order_by("-published_at").first()
    assert page.find("a", href=article.url) is not None


def test_demo_users_log_in_with_the_printed_password_in_their_groups(demo):
    assert newsroom.LOGIN_LINE in demo
    assert newsroom.SECOND_FACTOR_OFF_LINE in demo  # the tests run as `make run` does, without the second factor
    signing_in = RequestFactory().post("/admin/login/")  # django-axes counts each try by its request
    admin = authenticate(signing_in, username="admin", password=newsroom.PASSWORD)
    assert admin is not None and admin.is_superuser
    editor = authenticate(signing_in, username="editor", password=newsroom.PASSWORD)
    writer = authenticate(signing_in, username="writer", password=newsroom.PASSWORD)
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert list(writer.groups.values_list("name", flat=True)) == ["Writers"]
    client = Client()
    client.force_login(writer)
    assert client.get("/admin/").status_code == 200


def test_loading_the_demo_again_keeps_what_is_there(demo):
    article = ArticlePage.objects.live().first()
    article.title = "An editor changed this headline"
    article.save_revision().publish()
    count = ArticlePage.objects.count()
    output = StringIO()
    call_command("load_demo", stdout=output)
    assert "already loaded" in output.getvalue()
    assert ArticlePage.objects.count() == count
    assert ArticlePage.objects.get(pk=article.pk).title == "An editor changed this headline"
