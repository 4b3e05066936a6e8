"""sitemap.xml for published pages and a Google News sitemap of the last 48 hours."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page

from samizdat.core.links import site_domain, site_scheme

from .listing import published_articles
from .models import ArticlePage, Author

NEWS_SITEMAP_WINDOW = timedelta(hours=48)


class SiteSitemap(Sitemap):
    """Builds every address from SITE_URL, not from the request's host."""

    limit = 5000

    def get_domain(self, site=None):
        return site_domain()

    def get_protocol(self, protocol=None):
        return site_scheme()


class ArticleSitemap(SiteSitemap):
    def items(self):
        return published_articles().only("url_path", "published_at", "last_published_at", "updated_at")

    def location(self, article):
        return article.url

    def lastmod(self, article):
        return article.modified_at


class PageSitemap(SiteSitemap):
    """Front page, sections and plain pages: every live page that is not an article."""

    def items(self):
        return Page.objects.live().public().exclude(depth=1).not_type(ArticlePage).order_by("path")

    def location(self, page):
        return page.url

    def lastmod(self, page):
        return page.last_published_at


class AuthorSitemap(SiteSitemap):
    def items(self):
        return Author.objects.filter(article_links__page__live=True).distinct().order_by("slug")

    def location(self, author):
        return author.get_absolute_url()


class TagSitemap(SiteSitemap):
    def items(self):
        return Tag.objects.filter(news_articletag_items__content_object__live=True).distinct().order_by("slug")

    def location(self, tag):
        return f"/tags/{tag.slug}/"


SITEMAPS = {"pages": PageSitemap, "articles": ArticleSitemap, "authors": AuthorSitemap, "tags": TagSitemap}


def recent_news():
    since = timezone.now() - NEWS_SITEMAP_WINDOW
    return published_articles().filter(published_at__gte=since)
