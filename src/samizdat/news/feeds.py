"""RSS 2.0 and Atom feeds for the site, each section, each tag and each author: full text, images
with their credits."""

from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from samizdat.core.links import absolute_url

from .listing import published_articles, with_listing_parts

FEED_SIZE = 30
FEED_TYPES = {"rss": Rss201rev2Feed, "atom": Atom1Feed}


class NewsFeed(Feed):
    """A feed of the newest articles in one scope (the whole site, a section, a tag, an author)."""

    def __init__(self, scope=None, kind="rss"):
        super().__init__()
        self.scope = scope
        self.kind = kind
        self.feed_type = FEED_TYPES[kind]

    def get_object(self, request, *args, **kwargs):
        return self.scope

    def articles(self, scope):
        return published_articles()

    def scope_title(self, scope):
        return ""

    def scope_path(self, scope):
        return "/"

    def title(self, scope):
        from wagtail.models import Site

        from samizdat.core.models import NewsroomSettings

        site = Site.objects.filter(is_default_site=True).first()
        name = NewsroomSettings.for_site(site).name if site else "samizdat"
        suffix = self.scope_title(scope)
        return f"{name}: {suffix}" if suffix else name

    def link(self, scope):
        return absolute_url(self.scope_path(scope))

    def feed_url(self, scope):
        return absolute_url(self.scope_path(scope) + f"{self.kind}.xml")

    def description(self, scope):
        return self.title(scope)

    subtitle = description

    def items(self, scope):
        return with_listing_parts(self.articles(scope)).prefetch_related("tagged_items__tag")[:FEED_SIZE]

    def item_title(self, article):
        return article.title

    def item_link(self, article):
        return absolute_url(article.url)

    def item_guid(self, article):
        return absolute_url(article.url)

    def item_description(self, article):
        return render_to_string("news/feed_item.html", {"article": article})

    def item_author_name(self, article):
        return ", ".join(author.name for author in article.authors) or None

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.modified_at

    def item_categories(self, article):
        return [item.tag.name for item in article.tagged_items.all()]


class SiteFeed(NewsFeed):
    pass


class SectionFeed(NewsFeed):
    def articles(self, section):
        return published_articles().child_of(section)

    def scope_title(self, section):
        return section.title

    def scope_path(self, section):
        return section.url


class TagFeed(NewsFeed):
    def articles(self, tag):
        return published_articles().filter(tagged_items__tag=tag)

    def scope_title(self, tag):
        return tag.name

    def scope_path(self, tag):
        return f"/tags/{tag.slug}/"


class AuthorFeed(NewsFeed):
    def articles(self, author):
        return published_articles().filter(article_authors__author=author)

    def scope_title(self, author):
        return author.name

    def scope_path(self, author):
        return author.get_absolute_url()
