"""sitemap.xml (an index of sitemap-<part>.xml) and a Google News sitemap of the last 48 hours,
each edition its own (`/sitemap.xml`, `/ru/sitemap.xml`): the active language's stories and pages,
each `<url>` with the `hreflang` alternates of its versions in the other editions.

Every address is built from SITE_URL, never from the request's host or a Wagtail Site's hostname.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil
from xml.sax.saxutils import escape

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation

from samizdat.core.links import absolute_url, site_domain, site_scheme
from .alternates import (
    active_language,
    author_versions,
    edition_home,
    edition_paths,
    hreflang_links,
    page_versions,
    tag_versions,
)
from .feeds import xml_safe
from .listing import (
    MODIFIED_AT,
    public_path,
    public_url,
    published_articles,
    published_authors,
    published_tags,
    rank_from_oldest,
    tag_path,
)
from .models import ArticlePage

NEWS_SITEMAP_WINDOW = timedelta(hours=48)
NEWS_SITEMAP_LIMIT = 1000  # Google reads no more than this from a news sitemap


class SiteSitemap(Sitemap):
    limit = 5000

    def get_domain(self, site=None):
        return site_domain()

    def get_protocol(self, protocol=None):
        return site_scheme()

    def get_urls(self, page=1, site=None, protocol=None):
        """Django's, each address with its `hreflang` pairs (an empty list when it is in one
        edition only), the versions of the whole page read at once."""
        urls = super().get_urls(page, site, protocol)
        versions = self.versions([url["item"] for url in urls])
        for url in urls:
            url["hreflang"] = hreflang_links(versions.get(self.version_key(url["item"]), []))
        return urls

    def versions(self, items):
        """{version_key(item): [alternates.Version]} of `items`."""
        return page_versions([item.translation_key for item in items])

    def version_key(self, item):
        return item.translation_key


class ArticleSitemap(SiteSitemap):
    # Oldest first, a thousand a page, like the archive pages: publishing a story rewrites the
    # newest page, not every page of a large archive.
    limit = 1000

    def items(self):
        # Rows, not pages: a page object costs more than the rest of its line in the sitemap.
        return (
            published_articles()
            .order_by("published_at", "id")
            .annotate(modified_at=MODIFIED_AT)
            .values_list("pk", "url_path", "translation_key", "modified_at", named=True)
        )

    def location(self, article):
        return public_path(article)

    def lastmod(self, article):
        return article.modified_at

    def get_latest_lastmod(self):
        """The latest story's modified_at, worked out by the database rather than from ten
        thousand rows (the sitemap index asks for it at every publication)."""
        return published_articles().aggregate(latest=Max(MODIFIED_AT))["latest"]


class PageSitemap(SiteSitemap):
    """Front page, sections and plain pages: every live page of the newsroom that is not an article."""

    def items(self):
        home = edition_home()
        if home is None:
            return []
        pages = home.get_descendants(inclusive=True).live().public().not_type(ArticlePage)
        return pages.order_by("path")

    def location(self, page):
        return public_path(page)

    def lastmod(self, page):
        return page.last_published_at


class AuthorSitemap(SiteSitemap):
    def items(self):
        return published_authors().order_by("slug")

    def location(self, author):
        return author.get_absolute_url()

    def versions(self, authors):
        return author_versions(authors)

    def version_key(self, author):
        return author.pk


class TagSitemap(SiteSitemap):
    def items(self):
        return published_tags().order_by("slug")

    def location(self, tag):
        return tag_path(tag)

    def versions(self, tags):
        return tag_versions([tag.slug for tag in tags])

    def version_key(self, tag):
        return tag.slug


SITEMAPS = {"pages": PageSitemap, "articles": ArticleSitemap, "authors": AuthorSitemap, "tags": TagSitemap}


def urlset(urls):
    """The XML of one sitemap page from Sitemap.get_urls(), as Django's sitemap.xml template has it,
    written out directly: a page names a thousand addresses and is rewritten at every publication."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for url in urls:
        lastmod = url["lastmod"]
        if isinstance(lastmod, datetime) and timezone.is_aware(lastmod):
            lastmod = timezone.localtime(lastmod)  # as the template's date filter shows it
        lastmod = f"<lastmod>{lastmod:%Y-%m-%d}</lastmod>" if lastmod else ""
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{hreflang}" href="{escape(href)}"/>'
            for hreflang, href in url.get("hreflang", ())
        )
        lines.append(f"<url><loc>{escape(url['location'])}</loc>{lastmod}{alternates}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines)


def sitemap_page_path(section, number=1):
    """Pages of a sitemap by path, not Django's `?p=N`, so each is a file a static host can serve."""
    if number == 1:
        return reverse("news:sitemap_section", kwargs={"section": section})
    return reverse("news:sitemap_page", kwargs={"section": section, "number": number})


def sitemap_page_paths(article=None):
    """Every sitemap page; given an article, those that change when it is published, edited or
    taken down: its own page of the articles sitemap and the pages after it, and the small ones."""
    paths = []
    for section, cls in SITEMAPS.items():
        pages = cls().paginator.page_range
        if article is not None and cls is ArticleSitemap:
            pages = article_sitemap_pages(article)
        paths += [sitemap_page_path(section, n) for n in pages]
    return paths


def article_sitemap_pages(article):
    rank, count = rank_from_oldest(published_articles(), article)  # ArticleSitemap's stories
    limit = ArticleSitemap.limit
    return range(rank // limit + 1, max(1, ceil((count + 1) / limit)) + 1)


@dataclass
class IndexEntry:
    location: str
    last_mod: datetime | None = None


def sitemap_index_entries(sitemaps=SITEMAPS):
    """One entry per sitemap page, as Django's index view makes, but on SITE_URL's host."""
    entries = []
    for section, sitemap_class in sitemaps.items():
        sitemap = sitemap_class()
        location = absolute_url(reverse("news:sitemap_section", kwargs={"section": section}))
        last_mod = sitemap.get_latest_lastmod()
        entries.append(IndexEntry(location, last_mod))
        entries += [
            IndexEntry(absolute_url(sitemap_page_path(section, n)), last_mod)
            for n in range(2, sitemap.paginator.num_pages + 1)
        ]
    return entries


@dataclass
class NewsEntry:
    location: str
    title: str
    published_at: datetime


def recent_news():
    since = timezone.now() - NEWS_SITEMAP_WINDOW
    return published_articles().filter(published_at__gte=since)


def news_language():
    """The edition's language as the News sitemap names it: its ISO 639 code ("en", "ru"), but
    Chinese as Google asks for it ("zh-cn", "zh-tw")."""
    language = active_language() or translation.get_language()
    return CHINESE.get(language, language.split("-")[0])


CHINESE = {"zh-hans": "zh-cn", "zh-hant": "zh-tw"}


def edition_sitemaps():
    """The addresses of every edition's sitemap index and News sitemap, for the root robots.txt."""
    return [absolute_url(path) for path in edition_paths("news:sitemap") + edition_paths("news:news_sitemap")]


def news_sitemap_entries():
    stories = recent_news().values_list("pk", "url_path", "title", "published_at", named=True)
    return [
        NewsEntry(public_url(story), xml_safe(story.title), story.published_at)
        for story in stories[:NEWS_SITEMAP_LIMIT]
    ]
