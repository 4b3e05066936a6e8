"""Drafts, scheduled stories, unpublished edits, withdrawn and private stories are invisible to
readers: on pages, in feeds, sitemaps and search."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from samizdat.news.models import ArticlePage
from tests.factories import make_article, make_author, make_section
from tests.news.conftest import built_once, text

pytestmark = pytest.mark.django_db

# Words that appear only in content no reader may see.
SECRETS = ["Secret merger", "Embargoed results", "LEAKED", "Timetable overhaul", "Withdrawn story", "Members briefing"]

EVERY_READER_URL = [
    "/",
    "/page/2/",
    "/news/",
    "/business/",
    "/authors/irina-volkova/",
    "/tags/port/",
    "/news/cranes-fall-silent/",
    "/rss.xml",
    "/atom.xml",
    "/news/rss.xml",
    "/business/atom.xml",
    "/tags/port/rss.xml",
    "/authors/irina-volkova/atom.xml",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-articles.xml",
    "/sitemap-authors.xml",
    "/sitemap-tags.xml",
    "/news-sitemap.xml",
]


def build_newsroom():
    news, business = make_section("News"), make_section("Business")
    irina = make_author("Irina Volkova")
    nadia = make_author("Nadia Hidden")  # bylined only on things readers cannot see
    tomorrow = timezone.now() + timedelta(days=1)
    both = [irina, nadia]

    make_article(news, "Cranes fall silent", authors=[irina], tags=["port"], minutes_ago=5)
    make_article(business, "Secret merger talks", authors=both, tags=["port", "merger"], live=False, minutes_ago=1)
    make_article(business, "Embargoed results", authors=both, tags=["port", "results"], go_live_at=tomorrow,
                 minutes_ago=1)

    budget = make_article(news, "Council budget passes", authors=[irina], minutes_ago=30)
    edited = ArticlePage.objects.get(pk=budget.pk)
    edited.title = "Council budget LEAKED figures"
    edited.standfirst = "LEAKED"
    edited.save_revision()  # saved, never published

    tram = make_article(news, "Tram timetable", authors=[irina], tags=["port"], minutes_ago=40)
    rescheduled = ArticlePage.objects.get(pk=tram.pk)
    rescheduled.title, rescheduled.go_live_at = "Timetable overhaul", tomorrow
    rescheduled.save_revision().publish()  # a new version waiting for tomorrow

    withdrawn = make_article(news, "Withdrawn story", authors=both, tags=["port"], minutes_ago=2)
    withdrawn.unpublish()

    private = make_article(news, "Members briefing", authors=both, tags=["port"], minutes_ago=3)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="s3cret")
    return {}


@pytest.fixture(scope="module", autouse=True)
def newsroom(django_db_setup, django_db_blocker, shared_media):
    with built_once(django_db_blocker, shared_media):
        yield build_newsroom()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, shared_media):
    settings.MEDIA_ROOT = shared_media
    settings.NEWS_PAGE_SIZE = 2


def test_what_readers_are_shown_is_as_published():
    """The control: these stories are live, in their published wording."""
    assert ArticlePage.objects.live().filter(title__in=["Cranes fall silent", "Council budget passes",
                                                        "Tram timetable"]).count() == 3


@pytest.mark.parametrize("url", EVERY_READER_URL)
def test_no_reader_page_feed_or_sitemap_shows_anything_unpublished(client, url):
    response = client.get(url)
    assert response.status_code == 200
    body = text(response)
    assert [secret for secret in SECRETS if secret in body] == []
    assert "merger" not in body and "nadia-hidden" not in body and "Nadia Hidden" not in body


def test_the_published_wording_is_what_readers_see(client):
    assert "Council budget passes" in text(client.get("/news/"))
    assert "Tram timetable" in text(client.get("/news/page/1/"))  # the oldest archive page


@pytest.mark.parametrize(
    "url",
    [
        "/business/secret-merger-talks/",
        "/business/embargoed-results/",
        "/news/withdrawn-story/",
        "/tags/merger/",
        "/tags/results/",
        "/tags/merger/rss.xml",
        "/tags/results/atom.xml",
    ],
)
def test_unpublished_stories_and_their_tags_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_a_private_story_asks_for_its_password_and_shows_nothing(client):
    response = client.get("/news/members-briefing/")
    assert "Members briefing" not in text(response)
    assert "Body of Members briefing" not in text(response)


@pytest.mark.parametrize("query", ["secret", "merger", "embargoed", "leaked", "overhaul", "withdrawn", "members"])
def test_search_never_finds_unpublished_words(client, query):
    body = text(client.get("/search/", {"q": query}))
    assert f"No articles match “{query}”." in body


def test_search_finds_the_published_wording_of_an_edited_story(client):
    assert "1 result for “budget”" in text(client.get("/search/", {"q": "budget"}))
