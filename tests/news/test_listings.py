"""The front page, section, author and tag pages, their pagination, and the page-not-found page."""

import pytest

from samizdat.news.models import ArticlePage
from tests.factories import home_page, make_article, make_author, make_image, make_section
from tests.news.conftest import built_once, render_once, soup

pytestmark = pytest.mark.django_db


def build_newsroom():
    news, business, culture = make_section("News"), make_section("Business"), make_section("Culture")
    irina = make_author("Irina Volkova", role="Port correspondent", bio="Irina has covered the docks since 2015.")
    tomas = make_author("Tomas Brandt")
    stories = {
        "cranes": make_article(news, "Cranes fall silent", authors=[irina], tags=["port"], minutes_ago=10,
                               image=make_image()),
        "shipyard": make_article(business, "Shipyard hires 200", authors=[tomas], tags=["port"], minutes_ago=15),
        "ferry": make_article(news, "Ferry fares rise", authors=[irina], minutes_ago=20),
        "tolls": make_article(news, "Council votes on tolls", authors=[tomas], minutes_ago=30),
        "grain": make_article(business, "Grain prices climb", authors=[irina], minutes_ago=40),
        "draft": make_article(business, "Secret merger talks", authors=[irina], tags=["port"], live=False),
    }
    render_once("/", "/news/", stories["cranes"].url)
    return {"news": news, "business": business, "culture": culture, "irina": irina, **stories}


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker, shared_media):
    with built_once(django_db_blocker, shared_media):
        yield build_newsroom()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, shared_media, newsroom):
    settings.MEDIA_ROOT = shared_media
    settings.NEWS_PAGE_SIZE = 2


def unpublish(article):
    # A fresh copy: the module's objects are shared, and must not carry one test's changes to the next.
    ArticlePage.objects.get(pk=article.pk).unpublish()


def headlines(page):
    return [a.get_text() for a in page.select(".teaser-headline a")]


def pagination(page):
    nav = page.find("nav", class_="pagination")
    return {a["rel"][0]: a["href"] for a in nav.find_all("a")} if nav else None


# The front page


def test_front_page_leads_with_the_newest_story(client):
    page = soup(client.get("/"))
    lead = page.find("section", class_="lead-story")
    assert headlines(lead) == ["Cranes fall silent"]
    assert lead.h2 is not None  # the lead's headline outranks the section teasers
    assert "loading" not in lead.img.attrs  # the lead picture is above the fold


def test_front_page_leads_with_the_editors_choice_when_there_is_one(client, newsroom):
    home = home_page()
    home.lead_article = newsroom["grain"]
    home.save_revision().publish()
    lead = soup(client.get("/")).find("section", class_="lead-story")
    assert headlines(lead) == ["Grain prices climb"]


def test_front_page_falls_back_to_the_newest_when_the_chosen_lead_is_unpublished(client, newsroom):
    home = home_page()
    home.lead_article = newsroom["grain"]
    home.save_revision().publish()
    unpublish(newsroom["grain"])
    lead = soup(client.get("/")).find("section", class_="lead-story")
    assert headlines(lead) == ["Cranes fall silent"]


def test_front_page_shows_the_latest_from_each_section_without_repeating_the_lead(client):
    page = soup(client.get("/"))
    blocks = {
        block.h2.get_text(strip=True): headlines(block) for block in page.find_all("section", class_="front-section")
    }
    assert blocks == {
        "News": ["Ferry fares rise", "Council votes on tolls"],
        "Business": ["Shipyard hires 200", "Grain prices climb"],
    }  # Culture has nothing published, so it is left out
    assert [a["href"] for a in page.select(".front-section h2 a")] == ["/news/", "/business/"]


def test_front_page_links_to_more_of_the_latest_news(client):
    more = soup(client.get("/")).find(class_="more-latest")
    assert more.a["href"] == "/page/3/"  # the newest archive page: five stories, two a page


def test_latest_news_archive_pages_count_from_the_oldest_and_list_newest_first(client):
    newest = soup(client.get("/page/3/"))
    assert headlines(newest) == ["Cranes fall silent"]
    assert pagination(newest) == {"prev": "/", "next": "/page/2/"}
    middle = soup(client.get("/page/2/"))
    assert headlines(middle) == ["Shipyard hires 200", "Ferry fares rise"]
    assert pagination(middle) == {"prev": "/page/3/", "next": "/page/1/"}
    oldest = soup(client.get("/page/1/"))
    assert headlines(oldest) == ["Council votes on tolls", "Grain prices climb"]
    assert pagination(oldest) == {"prev": "/page/2/"}


def test_a_new_story_leaves_the_older_archive_pages_as_they_were(client, newsroom):
    before = {url: headlines(soup(client.get(url))) for url in ("/page/1/", "/page/2/")}
    make_article(newsroom["news"], "Night ferry returns", minutes_ago=1)
    assert {url: headlines(soup(client.get(url))) for url in ("/page/1/", "/page/2/")} == before
    assert headlines(soup(client.get("/page/3/"))) == ["Night ferry returns", "Cranes fall silent"]


def as_published(url):
    from samizdat.publishing.batch_cache import batch
    from samizdat.publishing.render import Renderer

    # A publishing batch: the front page is worked out from the story index, and listings find
    # their kept teasers from rows rather than stories.
    with batch():
        return Renderer().render(url).content


@pytest.mark.parametrize("lead", [None, "grain", "unpublished grain", "draft"])
def test_the_published_front_page_is_the_one_readers_get_from_django(client, newsroom, lead):
    home = home_page()
    home.lead_article = newsroom[lead.split()[-1]] if lead else None
    home.save_revision().publish()
    if lead == "unpublished grain":
        unpublish(newsroom["grain"])
    make_article(newsroom["news"], "Night ferry returns", minutes_ago=1)
    published = as_published("/")
    assert published == client.get("/").content
    assert b"Night ferry returns" in published


@pytest.mark.parametrize("url", ["/news/", "/news/page/1/", "/page/2/", "/tags/port/", "/authors/irina-volkova/",
                                 "/authors/irina-volkova/page/1/"])
def test_published_listings_are_the_ones_readers_get_from_django(client, url):
    published = as_published(url)
    assert published == client.get(url).content
    assert b'class="teaser-headline"' in published


def test_an_empty_newsroom_says_nothing_is_published_yet(client, newsroom):
    for key in ["cranes", "shipyard", "ferry", "tolls", "grain"]:
        unpublish(newsroom[key])
    page = soup(client.get("/"))
    assert "Nothing published yet." in page.get_text()
    assert headlines(page) == []


# Section, author and tag pages


def test_section_page_lists_only_its_own_articles_newest_first_and_paginates(client):
    first = soup(client.get("/news/"))
    assert first.h1.get_text() == "News"
    assert headlines(first) == ["Cranes fall silent", "Ferry fares rise"]
    # Older stories go on at the archive page holding the third newest: page 1, from the oldest.
    assert pagination(first) == {"next": "/news/page/1/"}
    archive = soup(client.get("/news/page/1/"))
    assert headlines(archive) == ["Ferry fares rise", "Council votes on tolls"]
    assert pagination(archive) == {"prev": "/news/page/2/"}
    assert "page 1" in archive.title.get_text()
    newest = soup(client.get("/news/page/2/"))
    assert headlines(newest) == ["Cranes fall silent"]
    assert pagination(newest) == {"prev": "/news/", "next": "/news/page/1/"}


def test_section_page_offers_its_feeds(client):
    page = soup(client.get("/business/"))
    assert {a.get_text(): a["href"] for a in page.select(".feeds a")} == {
        "RSS": "/business/rss.xml",
        "Atom": "/business/atom.xml",
    }


def test_author_page_shows_who_they_are_and_their_published_stories(client):
    page = soup(client.get("/authors/irina-volkova/"))
    assert page.h1.get_text() == "Irina Volkova"
    assert page.find(class_="author-role").get_text() == "Port correspondent"
    assert page.find(class_="author-bio").get_text() == "Irina has covered the docks since 2015."
    assert headlines(page) == ["Cranes fall silent", "Ferry fares rise"]
    assert pagination(page) == {"next": "/authors/irina-volkova/page/1/"}
    archive = soup(client.get("/authors/irina-volkova/page/1/"))
    assert headlines(archive) == ["Ferry fares rise", "Grain prices climb"]  # the draft is not listed


def test_tag_page_lists_published_stories_with_the_tag(client):
    page = soup(client.get("/tags/port/"))
    assert page.h1.get_text() == "port"
    assert headlines(page) == ["Cranes fall silent", "Shipyard hires 200"]
    assert pagination(page) is None  # the tagged draft does not make a second page


def test_bylines_and_tags_on_a_story_lead_to_these_pages(client, newsroom):
    article = soup(client.get(newsroom["cranes"].url)).find("article")
    for href in [a["href"] for a in article.select(".byline a, .tags a")]:
        assert client.get(href).status_code == 200


def test_the_section_navigation_lists_sections_in_order(client):
    nav = soup(client.get("/")).find("nav", class_="site-nav")
    assert [(a.get_text(), a["href"]) for a in nav.find_all("a")] == [
        ("News", "/news/"),
        ("Business", "/business/"),
        ("Culture", "/culture/"),
    ]


# Pages that are not there


def test_page_not_found_is_a_styled_page_with_a_way_on(client):
    page = soup(client.get("/no-such-story/"), status=404)
    assert page.h1.get_text() == "Page not found"
    assert page.find("link", rel="stylesheet")["href"].startswith("/static/core/site.")
    assert page.find("nav", class_="site-nav") is not None
    assert page.find("form", action="/search/") is not None
    assert page.find("a", href="/", string="Go to the front page") is not None


@pytest.mark.parametrize(
    "url",
    [
        "/page/4/",
        "/page/0/",
        "/page/99999999999999999999/",
        "/news/page/3/",
        "/news/page/0/",
        "/news/page/-1/",
        "/news/page/abc/",
        "/authors/nobody/",
        "/authors/irina-volkova/page/9/",
        "/authors/%00/",
        "/authors/%22%3E%3Cscript%3E/",
        "/tags/never-used/",
        "/tags/port/page/2/",
        "/tags/%00/",
        "/culture/page/2/",
        "/news/cranes-fall-silent/extra/",
        "/business/secret-merger-talks/",
        "/%E2%80%AE/",
    ],
)
def test_bad_addresses_get_the_not_found_page_never_an_error(client, url):
    assert soup(client.get(url), status=404).h1.get_text() == "Page not found"
