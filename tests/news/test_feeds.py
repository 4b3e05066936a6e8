"""RSS 2.0 and Atom feeds for the site, each section, each tag and each author: full text, images
with their credits, valid enough that feedparser has nothing to complain about."""

from datetime import date, timedelta

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import timezone

from samizdat.news import feeds
from samizdat.news.models import Agency, ArticlePage, Correction
from tests.factories import make_article, make_author, make_image, make_section
from tests.news.conftest import built_once, render_once, soup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]

FEEDS = [
    "/rss.xml",
    "/atom.xml",
    "/news/rss.xml",
    "/news/atom.xml",
    "/tags/port/rss.xml",
    "/tags/port/atom.xml",
    "/authors/irina-volkova/rss.xml",
    "/authors/irina-volkova/atom.xml",
]


def build_newsroom():
    news, business = make_section("News"), make_section("Business")
    irina, tomas = make_author("Irina Volkova"), make_author("Tomas Brandt")
    cranes = make_article(
        news,
        "Cranes fall silent",
        standfirst="Dockers walk out over night shifts.",
        authors=[irina],
        tags=["port", "strike"],
        minutes_ago=10,
        image=make_image("Cranes at dusk"),
        lead_image_caption="Idle cranes at Pier 4.",
        lead_image_credit="Lindenport Port Authority",
        agency=Agency.objects.create(name="Reuters"),
        body=[
            ("paragraph", '<p>Not a container moved. <a href="/business/">More business news</a>.</p>'),
            ("image", {"image": make_image("Picket"), "alt": "The picket", "caption": "Gate 2.",
                       "credit": "Marta Lenz"}),
            ("embed", {"url": "https://video.example.org/w/1", "title": "Watch the walkout"}),
        ],
        corrections=[Correction(date=date(2026, 3, 2), text="An earlier version misnamed the pier.")],
    )
    shipyard = make_article(business, "Shipyard hires 200", authors=[tomas], tags=["port"], minutes_ago=20)
    ferry = make_article(news, "Ferry fares rise", authors=[irina], minutes_ago=30)
    make_article(business, "Secret merger talks", authors=[irina], tags=["port", "merger"], live=False)
    render_once("/rss.xml")
    return {"news": news, "cranes": cranes, "shipyard": shipyard, "ferry": ferry}


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker, shared_media):
    with built_once(django_db_blocker, shared_media):
        yield build_newsroom()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, shared_media, newsroom):
    settings.MEDIA_ROOT = shared_media


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return parsed


def entry_titled(feed, title):
    return next(entry for entry in feed.entries if entry.title == title)


def full_text(entry):
    """The article HTML a reader's app shows: <content> in Atom, <description> in RSS."""
    return entry.content[0].value if "content" in entry else entry.description


def test_a_feed_reads_what_each_story_shows_as_the_story_itself_has_it(newsroom):
    """Feeds read their stories as rows (news.feeds.FeedItem); each field must say what the story
    says: credit lines with and without an agency's own wording, an update time, bylines, tags."""
    from django.utils import timezone

    from samizdat.news.feeds import feed_items
    from samizdat.news.listing import picture_key

    wire = Agency.objects.create(name="Baltic Wire", credit="Baltic Wire filed this from Riga.")
    stories = [
        ArticlePage.objects.get(pk=newsroom["cranes"].pk),  # an agency's usual line, a picture, a byline, tags
        make_article(newsroom["news"], "Ferry timetable", agency=wire, minutes_ago=40),
        make_article(newsroom["news"], "Pier 4 reopens", agency=wire, credit_line="Our own line.", minutes_ago=50,
                     updated_at=timezone.now()),
        ArticlePage.objects.get(pk=newsroom["shipyard"].pk),  # no agency
    ]
    rows = feed_items(ArticlePage.objects.filter(pk__in=[story.pk for story in stories]).order_by("pk"))
    assert len(rows) == len(stories)
    for row in rows:
        story = ArticlePage.objects.get(pk=row.pk)
        assert row.agency_credit == story.agency_credit, story.title
        assert row.modified_at == story.modified_at and row.published_at == story.published_at, story.title
        assert row.picture == picture_key(story.lead_image), story.title
        assert row.author_names == tuple(author.name for author in story.authors), story.title
        assert row.tag_names == tuple(tag.name for tag in story.tags.order_by("news_articletag_items__pk")), story.title
        assert (row.title, row.standfirst, row.url_path, row.translation_key) == (
            story.title, story.standfirst, story.url_path, story.translation_key)
    credits = {row.title: row.agency_credit for row in rows}
    assert credits["Cranes fall silent"] == "Reuters contributed reporting to this article."
    assert credits["Ferry timetable"] == "Baltic Wire filed this from Riga."
    assert credits["Pier 4 reopens"] == "Our own line."
    assert credits["Shipyard hires 200"] == ""


@pytest.mark.parametrize("url", FEEDS)
def test_published_feeds_are_the_ones_django_serves(client, url, monkeypatch):
    """While publishing, each item's XML is kept from one batch to the next: twice in a row, the
    second time from what the first kept, the feed is still byte for byte what Django's own feed
    writers give."""
    from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

    from samizdat.publishing.batch_cache import batch
    from samizdat.news import feeds
    from samizdat.publishing.render import Renderer

    class StockAtom(Atom1Feed):  # Django's Atom writer with our <content>, nothing kept
        def add_item_elements(self, handler, item):
            super().add_item_elements(handler, item)
            if item.get("content"):
                handler.addQuickElement("content", item["content"], {"type": "html"})

    with monkeypatch.context() as stock_writers:
        stock_writers.setitem(feeds.FEED_TYPES, "rss", Rss201rev2Feed)
        stock_writers.setitem(feeds.FEED_TYPES, "atom", StockAtom)
        stock = client.get(url).content
    assert client.get(url).content == stock
    for _ in range(2):
        with batch():
            assert Renderer().render(url).content == stock


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_is_valid_and_links_to_the_public_site(client, url):
    feed = parse(client, url)
    assert feed.version == ("atom10" if "atom" in url else "rss20")
    assert feed.entries
    assert feed.feed.link == settings.SITE_URL + url.rsplit("/", 1)[0] + "/"
    for entry in feed.entries:
        assert entry.link.startswith(settings.SITE_URL + "/")
        assert entry.published_parsed and entry.author


@pytest.mark.parametrize(
    "url, title, headlines",
    [
        ("/rss.xml", "samizdat", ["Cranes fall silent", "Shipyard hires 200", "Ferry fares rise"]),
        ("/news/atom.xml", "samizdat: News", ["Cranes fall silent", "Ferry fares rise"]),
        ("/tags/port/rss.xml", "samizdat: port", ["Cranes fall silent", "Shipyard hires 200"]),
        ("/authors/irina-volkova/atom.xml", "samizdat: Irina Volkova", ["Cranes fall silent", "Ferry fares rise"]),
    ],
)
def test_each_feed_carries_its_own_published_stories_newest_first(client, url, title, headlines):
    feed = parse(client, url)
    assert feed.feed.title == title
    assert [entry.title for entry in feed.entries] == headlines


@pytest.mark.parametrize("url", ["/rss.xml", "/atom.xml"])
def test_feeds_carry_the_full_text_with_images_and_their_credits(client, url):
    entry = entry_titled(parse(client, url), "Cranes fall silent")
    html = BeautifulSoup(full_text(entry), "html.parser")
    words = html.get_text(" ")
    assert "Dockers walk out over night shifts." in words
    assert "Not a container moved." in words
    lead, inline = html.find_all("figure")
    assert lead.img["src"].startswith(settings.SITE_URL + "/media/images/")
    assert lead.figcaption.get_text() == "Idle cranes at Pier 4. Photo: Lindenport Port Authority"
    assert inline.img["src"].startswith(settings.SITE_URL + "/media/images/")
    assert inline.figcaption.get_text() == "Gate 2. Photo: Marta Lenz"
    assert html.find("a", href="https://video.example.org/w/1").get_text() == "Watch the walkout"
    assert "Reuters contributed reporting to this article." in words
    assert "An earlier version misnamed the pier." in words
    assert [tag.term for tag in entry.tags] == ["port", "strike"]


def test_atom_summary_is_the_standfirst_and_content_the_whole_story(client):
    entry = entry_titled(parse(client, "/atom.xml"), "Cranes fall silent")
    assert entry.summary == "Dockers walk out over night shifts."
    assert "Not a container moved." in entry.content[0].value


@pytest.mark.parametrize("url", ["/rss.xml", "/atom.xml"])
def test_links_and_images_inside_feed_stories_carry_the_sites_address(client, url):
    html = BeautifulSoup(full_text(entry_titled(parse(client, url), "Cranes fall silent")), "html.parser")
    addresses = [tag.get("href") or tag.get("src") for tag in html.find_all(["a", "img"])]
    assert settings.SITE_URL + "/business/" in addresses
    assert all(address.startswith(("https://", "http://")) for address in addresses), addresses


@pytest.mark.parametrize("url", ["/rss.xml", "/atom.xml"])
def test_headlines_with_markup_characters_survive_the_feed_intact(client, newsroom, url):
    title = 'Mayor says "no" & <b>never</b> to </script> tolls'
    make_article(newsroom["news"], title, minutes_ago=1, standfirst="Tolls < taxes & fees.")
    entry = parse(client, url).entries[0]
    assert entry.title == title
    assert "Tolls &lt; taxes &amp; fees." in full_text(entry)


@pytest.mark.parametrize("url", ["/rss.xml", "/atom.xml", "/news/rss.xml"])
def test_a_control_character_pasted_into_a_headline_does_not_break_the_feeds(client, newsroom, url):
    make_article(newsroom["news"], "Tolls\x0b rise\x08 again", minutes_ago=1, standfirst="Up\x01 by 5%.")
    assert parse(client, url).entries[0].title == "Tolls rise again"


def test_a_story_without_a_byline_is_credited_to_the_newsroom_in_atom(client, newsroom):
    make_article(newsroom["news"], "Grain prices climb", minutes_ago=1)  # agency copy, no byline
    feed = parse(client, "/atom.xml")
    assert "author" not in feed.entries[0] or feed.entries[0].author == "samizdat"
    assert feed.feed.author == "samizdat"


def test_a_story_keeps_its_feed_id_when_its_headline_and_address_are_corrected(client, newsroom):
    before = entry_titled(parse(client, "/rss.xml"), "Ferry fares rise")
    story = ArticlePage.objects.get(pk=newsroom["ferry"].pk)
    story.title, story.slug = "Ferry fares rise by a tenth", "ferry-fares-rise-tenth"
    story.save_revision().publish()
    after = entry_titled(parse(client, "/rss.xml"), "Ferry fares rise by a tenth")
    assert after.id == before.id
    assert after.link.endswith("/news/ferry-fares-rise-tenth/")


def test_a_feed_holds_only_the_newest_stories(client, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_SIZE", 2)
    assert [entry.title for entry in parse(client, "/atom.xml").entries] == ["Cranes fall silent", "Shipyard hires 200"]


def test_updated_stories_say_so_in_atom(client, newsroom):
    published = timezone.now() - timedelta(hours=6)
    make_article(newsroom["news"], "Bridge closes", published_at=published, updated_at=published + timedelta(hours=5))
    entry = entry_titled(parse(client, "/atom.xml"), "Bridge closes")
    assert entry.updated_parsed[:5] == (published + timedelta(hours=5)).utctimetuple()[:5]
    assert entry.published_parsed[:5] == published.utctimetuple()[:5]


@pytest.mark.parametrize(
    "url",
    [
        "/nowhere/rss.xml",
        "/news/cranes-fall-silent/rss.xml",
        "/tags/merger/rss.xml",  # only a draft carries it
        "/tags/nothing/atom.xml",
        "/authors/nobody/rss.xml",
        "/rss2.xml",
        "/news/json.xml",
    ],
)
def test_feeds_that_do_not_exist_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_pages_advertise_their_feeds(client):
    page = soup(client.get("/news/"))
    alternates = {link["href"] for link in page.find_all("link", rel="alternate")}
    assert {"/rss.xml", "/atom.xml", "/news/rss.xml", "/news/atom.xml"} <= alternates
    for href in alternates:
        parse(client, href)


def test_a_section_with_an_address_in_another_script_has_working_feeds(client):
    culture = make_section("Культура", slug="культура")
    make_article(culture, "Театр открывается", minutes_ago=1)
    page = soup(client.get("/культура/"))
    rss = page.find("link", type="application/rss+xml", title="Культура")["href"]
    assert [entry.title for entry in parse(client, rss).entries] == ["Театр открывается"]
    atom = parse(client, "/культура/atom.xml")
    assert [entry.title for entry in atom.entries] == ["Театр открывается"]
