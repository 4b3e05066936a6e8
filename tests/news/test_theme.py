"""The default theme: system fonts, a small stylesheet, nothing fetched from anyone else, readable
without JavaScript, and pictures as right-sized renditions that load lazily below the fold."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.factories import make_article, make_author, make_image, make_section
from tests.news.conftest import built_once, render_once, soup

pytestmark = pytest.mark.django_db

ELSEWHERE = "https://video.example.org/watch/1"


def build_newsroom():
    news = make_section("News")
    irina = make_author("Irina Volkova", photo=make_image("Irina", size=(400, 400)), bio="Port correspondent.")
    cranes = make_article(
        news,
        "Cranes fall silent",
        authors=[irina],
        tags=["port"],
        minutes_ago=5,
        image=make_image("Cranes"),
        lead_image_credit="Port Authority",
        body=[
            ("paragraph", '<p>See <a href="https://union.example.net/statement">the union statement</a>.</p>'),
            ("image", {"image": make_image("Picket"), "caption": "The picket.", "credit": "Marta Lenz"}),
            ("embed", {"url": ELSEWHERE, "title": "Watch the walkout"}),
        ],
    )
    make_article(news, "Ferry fares rise", authors=[irina], tags=["port"], minutes_ago=10, image=make_image("Ferry"))
    make_article(news, "Council votes", authors=[irina], tags=["port"], minutes_ago=15, image=make_image("Council"))
    render_once(*[url for url in READER_PAGES if url != "/no-such-page/"])
    return {"cranes": cranes}


@pytest.fixture(scope="module", autouse=True)
def newsroom(django_db_setup, django_db_blocker, shared_media):
    with built_once(django_db_blocker, shared_media):
        yield build_newsroom()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, shared_media):
    settings.MEDIA_ROOT = shared_media


@pytest.fixture(scope="module")
def css():
    return open(finders.find("core/site.css"), encoding="utf-8").read()


READER_PAGES = [
    "/",
    "/page/1/",
    "/news/",
    "/news/cranes-fall-silent/",
    "/authors/irina-volkova/",
    "/tags/port/",
    "/search/?q=cranes",
    "/search/",
    "/no-such-page/",
]

# Attributes whose addresses a browser may fetch on its own, or send the reader to.
ADDRESS_ATTRIBUTES = ["src", "srcset", "href", "action", "poster", "data", "formaction", "background"]


def page_at(client, url):
    return soup(client.get(url), status=404 if url == "/no-such-page/" else 200)


def addresses(tag, attribute):
    value = tag.get(attribute, "")
    if attribute == "srcset":
        return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]
    return [value]


def in_the_story(tag):
    """Links the newsroom put in a story are the reader's to follow; the page itself fetches nothing."""
    return tag.name == "a" and tag.find_parent(class_="article-body") is not None


def test_stylesheet_is_small(css):
    assert len(css.encode()) < 30 * 1024


def test_stylesheet_uses_system_fonts_and_fetches_nothing(css):
    assert "@font-face" not in css and "@import" not in css
    assert "url(" not in css
    assert not re.search(r"https?:|//[a-z0-9]", css, re.IGNORECASE)
    assert "system-ui" in css and "sans-serif" in css and "serif" in css


def test_stylesheet_has_a_hashed_name_and_may_be_cached_for_a_year(client):
    href = page_at(client, "/").find("link", rel="stylesheet")["href"]
    assert re.fullmatch(r"/static/core/site\.[0-9a-f]{12}\.css", href), href
    response = client.get(href)
    assert response.status_code == 200
    assert "max-age=315360000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]


@pytest.mark.parametrize("url", READER_PAGES)
def test_pages_name_no_other_host_than_the_site(client, url):
    page = page_at(client, url)
    site_host = urlsplit(settings.SITE_URL).netloc
    foreign = [
        (tag.name, address)
        for tag in page.find_all(True)
        if not in_the_story(tag)
        for attribute in ADDRESS_ATTRIBUTES
        if tag.has_attr(attribute)
        for address in addresses(tag, attribute)
        if urlsplit(address).netloc not in ("", site_host)
    ]
    assert foreign == []
    assert not page.find_all(style=re.compile("url\\("))


@pytest.mark.parametrize("url", READER_PAGES)
def test_pages_need_no_javascript(client, url):
    page = page_at(client, url)
    # The one script allowed: reader revenue's small first-party appeals script (docs/support.md),
    # deferred; pages read the same without it, and SUPPORT_APPEALS_ENABLED=false removes it.
    scripts = [s for s in page.find_all("script") if not (s.get("src", "").startswith("/static/support/appeals.") and s.has_attr("defer"))]
    assert all(script.get("type") == "application/ld+json" and not script.get("src") for script in scripts)
    assert not page.find_all(["iframe", "noscript", "object", "embed"])
    assert not [tag.name for tag in page.find_all(True) if any(attr.startswith("on") for attr in tag.attrs)]


@pytest.mark.parametrize("url", ["/", "/news/cranes-fall-silent/", "/no-such-page/"])
def test_pages_bring_their_own_icon_so_browsers_do_not_ask_for_favicon_ico(client, url):
    assert page_at(client, url).find("link", rel="icon")["href"].startswith("data:")


def test_the_story_is_in_the_html_and_links_elsewhere_are_plain_links(client):
    article = page_at(client, "/news/cranes-fall-silent/").find("article")
    assert "the union statement" in article.get_text()
    assert article.find("a", href=ELSEWHERE).get_text() == "Watch the walkout"


@pytest.mark.parametrize("url", READER_PAGES)
def test_every_picture_is_a_rendition_with_a_srcset_and_its_size(client, url):
    for img in page_at(client, url).find_all("img"):
        assert img["src"].startswith(settings.MEDIA_URL + "images/"), img
        assert img.get("srcset") and img.get("sizes"), img
        assert int(img["width"]) > 0 and int(img["height"]) > 0, img
        assert img.has_attr("alt"), img


def test_on_an_article_only_the_lead_picture_loads_at_once(client):
    page = page_at(client, "/news/cranes-fall-silent/")
    lead, *others = page.find_all("img")
    assert lead.find_parent("figure", class_="lead-image") is not None
    assert "loading" not in lead.attrs and lead["fetchpriority"] == "high"
    assert len(others) >= 3  # the picture in the story, and two in Read more
    assert all(img["loading"] == "lazy" for img in others)


def test_on_the_front_page_only_the_lead_storys_picture_loads_at_once(client):
    lead, *others = page_at(client, "/").find_all("img")
    assert lead.find_parent(class_="lead-story") is not None
    assert "loading" not in lead.attrs
    assert others and all(img["loading"] == "lazy" for img in others)
