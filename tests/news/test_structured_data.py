"""What an article's <head> tells search engines and link previews: canonical address, description,
OpenGraph and Twitter cards, and a schema.org NewsArticle."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Page, Site

from samizdat.core.models import NewsroomSettings
from tests.factories import make_article, make_author, make_image, make_section
from tests.news.conftest import built_once, render_once, soup, text

pytestmark = pytest.mark.django_db


def build_story():
    news = make_section("News")
    published = timezone.now().replace(microsecond=0) - timedelta(hours=4)
    story = make_article(
        news,
        "Cranes fall silent",
        standfirst="Dockers walk out over night shifts.",
        authors=[make_author("Irina Volkova"), make_author("Tomas Brandt")],
        tags=["port", "strike"],
        published_at=published,
        updated_at=published + timedelta(hours=1),
        dateline="Lindenport",
        image=make_image("Cranes at dusk"),
    )
    render_once(story.url)
    return {"news": news, "story": story}


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker, shared_media):
    with built_once(django_db_blocker, shared_media):
        yield build_story()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, shared_media, newsroom):
    settings.MEDIA_ROOT = shared_media


def head_of(client, url):
    return soup(client.get(url)).head


def meta(head, key):
    tag = head.find("meta", attrs={"property": key}) or head.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def json_ld(head):
    (script,) = head.find_all("script", type="application/ld+json")
    return json.loads(script.string)


def test_article_head_names_its_canonical_address_and_description(client, settings, newsroom):
    head = head_of(client, newsroom["story"].url)
    assert head.find("link", rel="canonical")["href"] == settings.SITE_URL + "/news/cranes-fall-silent/"
    assert meta(head, "description") == "Dockers walk out over night shifts."


def test_article_head_has_opengraph_and_twitter_cards(client, settings, newsroom):
    head = head_of(client, newsroom["story"].url)
    assert meta(head, "og:type") == "article"
    assert meta(head, "og:title") == meta(head, "twitter:title") == "Cranes fall silent"
    assert meta(head, "og:description") == meta(head, "twitter:description") == "Dockers walk out over night shifts."
    assert meta(head, "og:url") == settings.SITE_URL + "/news/cranes-fall-silent/"
    assert meta(head, "og:site_name") == "samizdat"
    assert meta(head, "og:image").startswith(settings.SITE_URL + "/media/images/")
    assert (meta(head, "og:image:width"), meta(head, "og:image:height")) == ("1200", "630")
    assert meta(head, "twitter:card") == "summary_large_image"
    assert meta(head, "twitter:image") == meta(head, "og:image")
    assert meta(head, "article:published_time") == newsroom["story"].published_at.isoformat()


def test_article_head_describes_a_news_article_in_json_ld(client, settings, newsroom):
    story = newsroom["story"]
    data = json_ld(head_of(client, story.url))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Cranes fall silent"
    assert data["description"] == "Dockers walk out over night shifts."
    assert data["mainEntityOfPage"] == settings.SITE_URL + "/news/cranes-fall-silent/"
    assert len(data["image"]) == 1 and data["image"][0].startswith(settings.SITE_URL + "/media/images/")
    assert data["datePublished"] == story.published_at.isoformat()
    assert data["dateModified"] == story.updated_at.isoformat()
    assert data["author"] == [
        {"@type": "Person", "name": "Irina Volkova", "url": settings.SITE_URL + "/authors/irina-volkova/"},
        {"@type": "Person", "name": "Tomas Brandt", "url": settings.SITE_URL + "/authors/tomas-brandt/"},
    ]
    assert data["publisher"]["name"] == "samizdat"
    assert data["publisher"]["url"] == settings.SITE_URL + "/"
    assert data["articleSection"] == "News"
    assert sorted(data["keywords"]) == ["port", "strike"]


def test_the_publishers_logo_is_named_when_the_newsroom_has_one(client, settings, newsroom):
    newsroom_settings = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    newsroom_settings.name = "Lindenport Courier"
    newsroom_settings.logo = make_image("Courier logo", size=(400, 100))
    newsroom_settings.save()
    publisher = json_ld(head_of(client, newsroom["story"].url))["publisher"]
    assert publisher["name"] == "Lindenport Courier"
    assert publisher["logo"]["url"].startswith(settings.SITE_URL + "/media/images/")


def test_the_editors_search_description_wins_over_the_standfirst(client, newsroom):
    story = make_article(newsroom["news"], "Ferry fares rise", search_description="Fares up 10% from May.")
    head = head_of(client, story.url)
    assert meta(head, "description") == meta(head, "og:description") == "Fares up 10% from May."
    assert json_ld(head)["description"] == "Fares up 10% from May."


def test_a_story_without_a_picture_gets_a_small_card_and_no_image_claims(client, newsroom):
    story = make_article(newsroom["news"], "Council meets")
    head = head_of(client, story.url)
    assert meta(head, "twitter:card") == "summary"
    assert meta(head, "og:image") is None and meta(head, "twitter:image") is None
    assert "image" not in json_ld(head)


def test_a_headline_with_script_tags_and_ampersands_cannot_break_out_of_the_json_ld(client, newsroom):
    title = 'Tolls & "fees" </script><script>alert(1)</script> rise'
    story = make_article(newsroom["news"], title, standfirst="A & B <i>agree</i>.",
                         body=[("paragraph", "<p>Tolls rise.</p>")])
    html = text(client.get(story.url))
    head = soup(client.get(story.url)).head
    assert json_ld(head)["headline"] == title
    assert json_ld(head)["description"] == "A & B <i>agree</i>."
    assert "<script>alert(1)" not in html
    assert meta(head, "og:title") == title


def test_addresses_use_the_public_site_address_even_with_a_second_wagtail_site(client, settings, newsroom):
    other_root = Page.objects.get(depth=1).add_child(instance=Page(title="Other", slug="other"))
    Site.objects.create(hostname="other.example", root_page=other_root)
    try:
        head = head_of(client, "/news/cranes-fall-silent/")
        address = settings.SITE_URL + "/news/cranes-fall-silent/"
        assert head.find("link", rel="canonical")["href"] == address
        assert meta(head, "og:url") == address
        assert json_ld(head)["mainEntityOfPage"] == address
        assert f"<link>{address}</link>" in text(client.get("/rss.xml"))
        assert f"<loc>{address}</loc>" in text(client.get("/sitemap-articles.xml"))
        assert soup(client.get("/")).find("a", string="News")["href"] == "/news/"
    finally:
        Site.clear_site_root_paths_cache()


def test_addresses_follow_the_configured_site_url(client, settings, newsroom):
    settings.SITE_URL = "https://courier.example.org"
    head = head_of(client, newsroom["story"].url)
    assert head.find("link", rel="canonical")["href"] == "https://courier.example.org/news/cranes-fall-silent/"
    assert meta(head, "og:image").startswith("https://courier.example.org/media/images/")
    data = json_ld(head)
    assert data["mainEntityOfPage"] == "https://courier.example.org/news/cranes-fall-silent/"
    assert data["author"][0]["url"] == "https://courier.example.org/authors/irina-volkova/"


@pytest.mark.parametrize(
    "url, canonical",
    [
        ("/", "/"),
        ("/news/", "/news/"),
        ("/authors/irina-volkova/", "/authors/irina-volkova/"),
        ("/tags/port/", "/tags/port/"),
    ],
)
def test_listing_pages_name_their_canonical_address(client, settings, url, canonical):
    head = head_of(client, url)
    assert head.find("link", rel="canonical")["href"] == settings.SITE_URL + canonical


def test_pictures_served_from_a_media_host_of_their_own_keep_its_address(client, settings, newsroom):
    settings.MEDIA_URL = "https://media.courier.example/"
    head = head_of(client, newsroom["story"].url)
    assert meta(head, "og:image").startswith("https://media.courier.example/images/")
    assert json_ld(head)["image"][0].startswith("https://media.courier.example/images/")
