"""sitemap.xml and its parts, the Google News sitemap and robots.txt: what search engines are told."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from samizdat.news.models import ArticlePage
from samizdat.news.sitemaps import ArticleSitemap
from tests.factories import make_article, make_author, make_section
from tests.news.conftest import built_once, text, xml

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def build_newsroom():
    news, business = make_section("News"), make_section("Business")
    irina, tomas, nadia = make_author("Irina Volkova"), make_author("Tomas Brandt"), make_author("Nadia Ilić")
    make_article(news, "Cranes fall silent", authors=[irina], tags=["port"], minutes_ago=60)
    make_article(business, "Shipyard hires 200", authors=[tomas], tags=["jobs"], minutes_ago=60 * 30)
    make_article(news, "Old ferry story", authors=[irina], published_at=timezone.now() - timedelta(days=5))
    make_article(business, "Secret merger talks", authors=[nadia], tags=["merger"], live=False)
    make_article(business, "Embargoed results", authors=[nadia], tags=["results"],
                 go_live_at=timezone.now() + timedelta(days=1))
    return {"news": news}


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker, shared_media):
    with built_once(django_db_blocker, shared_media):
        yield build_newsroom()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, shared_media, newsroom):
    settings.MEDIA_ROOT = shared_media


def locations(client, url):
    return [loc.text for loc in xml(client.get(url)).iter(f"{SM}loc")]


def site(path):
    return settings.SITE_URL + path


def test_sitemap_xml_is_an_index_of_the_parts_on_the_sites_own_address(client):
    response = client.get("/sitemap.xml")
    root = xml(response)
    assert root.tag == f"{SM}sitemapindex"
    assert locations(client, "/sitemap.xml") == [
        site("/sitemap-pages.xml"),
        site("/sitemap-articles.xml"),
        site("/sitemap-authors.xml"),
        site("/sitemap-tags.xml"),
    ]
    assert response["Content-Type"].startswith("application/xml")


def test_every_part_the_index_names_can_be_fetched(client):
    for location in locations(client, "/sitemap.xml"):
        root = xml(client.get(location.removeprefix(settings.SITE_URL)))
        assert root.tag == f"{SM}urlset"


def test_articles_sitemap_lists_published_articles_with_their_last_change(client):
    root = xml(client.get("/sitemap-articles.xml"))
    urls = {url.find(f"{SM}loc").text: url.find(f"{SM}lastmod").text for url in root.iter(f"{SM}url")}
    assert set(urls) == {
        site("/news/cranes-fall-silent/"),
        site("/business/shipyard-hires-200/"),
        site("/news/old-ferry-story/"),
    }
    cranes = ArticlePage.objects.get(slug="cranes-fall-silent")
    assert urls[site("/news/cranes-fall-silent/")] == cranes.modified_at.date().isoformat()


def test_pages_sitemap_lists_the_front_page_and_sections(client):
    assert locations(client, "/sitemap-pages.xml") == [site("/"), site("/news/"), site("/business/")]


def test_authors_and_tags_sitemaps_list_only_those_with_published_stories(client):
    authors = [site("/authors/irina-volkova/"), site("/authors/tomas-brandt/")]
    assert locations(client, "/sitemap-authors.xml") == authors
    assert locations(client, "/sitemap-tags.xml") == [site("/tags/jobs/"), site("/tags/port/")]


def test_a_long_sitemap_is_split_into_pages_and_the_index_names_each(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    index = locations(client, "/sitemap.xml")
    # Pages by path, not "?p=2": each is a file a static host can serve.
    assert site("/sitemap-articles-2.xml") in index
    assert len(locations(client, "/sitemap-articles-2.xml")) == 1
    assert locations(client, "/sitemap-articles-2.xml") == locations(client, "/sitemap-articles.xml?p=2")


@pytest.mark.parametrize("url", ["/sitemap-nothing.xml", "/sitemap-articles.xml?p=9", "/sitemap-articles.xml?p=abc",
                                 "/sitemap-articles.xml?p=%00", "/sitemap-articles-9.xml",
                                 "/sitemap-nothing-2.xml", "/sitemap-articles-0.xml"])
def test_sitemap_parts_that_do_not_exist_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_news_sitemap_lists_the_last_48_hours_for_google_news(client):
    root = xml(client.get("/news-sitemap.xml"))
    urls = list(root.iter(f"{SM}url"))
    assert [url.find(f"{SM}loc").text for url in urls] == [
        site("/news/cranes-fall-silent/"),
        site("/business/shipyard-hires-200/"),
    ]
    news = urls[0].find(f"{NEWS}news")
    assert news.find(f"{NEWS}publication/{NEWS}name").text == "samizdat"
    assert news.find(f"{NEWS}publication/{NEWS}language").text == "en"
    assert news.find(f"{NEWS}title").text == "Cranes fall silent"
    published = ArticlePage.objects.get(slug="cranes-fall-silent").published_at
    assert news.find(f"{NEWS}publication_date").text == published.isoformat()


def test_news_sitemap_stays_valid_xml_whatever_the_headline(client, newsroom):
    make_article(newsroom["news"], 'Tolls & "fees" <rise>\x0b again', minutes_ago=1)
    titles = [title.text for title in xml(client.get("/news-sitemap.xml")).iter(f"{NEWS}title")]
    assert titles[0] == 'Tolls & "fees" <rise> again'


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_names_both_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = text(response).splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {site('/sitemap.xml')}" in lines
    assert f"Sitemap: {site('/news-sitemap.xml')}" in lines


def test_index_gives_each_part_the_time_of_its_latest_change(client):
    from django.utils import timezone

    cranes = ArticlePage.objects.get(slug="cranes-fall-silent")
    cranes.updated_at = timezone.now() + timezone.timedelta(days=3)  # corrected after publication
    cranes.save_revision().publish()
    root = xml(client.get("/sitemap.xml"))
    lastmods = {entry.find(f"{SM}loc").text: entry.findtext(f"{SM}lastmod") for entry in root.iter(f"{SM}sitemap")}
    latest = max(article.modified_at for article in ArticlePage.objects.live())
    assert latest == cranes.updated_at
    assert lastmods[site("/sitemap-articles.xml")].startswith(latest.date().isoformat())
