"""RSS 2.0 and Atom feeds for the site, each section, each tag and each author: full text, images
with their credits. Each edition has its own (`/rss.xml`, `/ru/rss.xml`): its stories, in its
language (Django's feeds take the active one)."""

import re
from datetime import datetime
from io import StringIO
from typing import NamedTuple
from uuid import uuid5

from django.contrib.syndication.views import Feed
from django.core.cache import caches
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.xmlutils import SimplerXMLGenerator

from samizdat.core.links import absolute_url
from samizdat.core.models import newsroom_name

from .alternates import default_language
from .listing import (
    MODIFIED_AT,
    PICTURE_FIELDS,
    articles_by,
    byline_names,
    picture_key_of,
    public_path,
    public_url,
    published_articles,
    read_once_per_batch,
    tag_names,
    tag_path,
)
from .feed_text import full_text, read_full_texts
from .models import ArticlePage
from .models.people import agency_credit_line

FEED_SIZE = 30

# XML 1.0 forbids these. One pasted from a word processor into a headline must not break the feed
# (Django refuses to write them at all, which would turn the feed into an error page).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text):
    return _NOT_XML.sub("", text) if text else text


class FeedItem(NamedTuple):
    """What a feed shows of a story, read as a row with its bylines and tags: a feed's thirty
    stories cost three queries, and only a story whose full text isn't kept loads the story itself."""

    pk: int
    url_path: str
    title: str
    standfirst: str
    translation_key: object
    language: str
    published_at: datetime | None
    modified_at: datetime | None
    last_published_at: datetime | None
    picture: tuple | None
    agency_credit: str
    author_names: tuple
    tag_names: tuple


def feed_items(queryset):
    """The FeedItem of each story in `queryset`, in its order; each read once per batch."""
    ids = list(queryset.values_list("pk", flat=True))
    found = read_once_per_batch("feed-item", ids, _read_items)
    return [found[pk] for pk in ids if pk in found]


def _read_items(ids):
    bylines, tags = byline_names(ids), tag_names(ids)
    rows = ArticlePage.objects.filter(pk__in=ids).annotate(modified=MODIFIED_AT).values_list(
        "pk", "url_path", "title", "standfirst", "translation_key", "locale__language_code", "published_at", "modified",
        "last_published_at", "credit_line", "agency__name", "agency__credit", *PICTURE_FIELDS,
    )
    items = {}
    for *fields, credit_line, agency, agency_wording, image_file, x, y, width, height in rows:
        pk = fields[0]
        # ArticlePage.agency_credit: the story's own line, else its agency's.
        credit = credit_line or (agency_credit_line(agency, agency_wording) if agency is not None else "")
        picture = picture_key_of((image_file, x, y, width, height))
        items[pk] = FeedItem(*fields, picture, credit, tuple(bylines[pk]), tuple(tags[pk]))
    return items


class KeptItems:
    """Each item's XML kept from one publishing batch to the next under everything it holds and the
    code that writes it: a story is in half a dozen feeds of two kinds, and writing its XML out
    cost more than the rest of a feed. Item by item, the XML is Django's."""

    item_element = None  # "item" or "entry", as the feed type's write_items() names it

    def write_items(self, handler):
        for item in self.items:
            handler.ignorableWhitespace(caches["pieces"].get_or_set((type(self), item), lambda item=item: self.item_xml(item)))

    def item_xml(self, item):
        out = StringIO()
        handler = SimplerXMLGenerator(out, "utf-8", short_empty_elements=True)
        handler.startElement(self.item_element, self.item_attributes(item))
        self.add_item_elements(handler, item)
        handler.endElement(self.item_element)
        return out.getvalue()


class RssFeed(KeptItems, Rss201rev2Feed):
    item_element = "item"


class FullTextAtomFeed(KeptItems, Atom1Feed):
    """Atom with the standfirst as <summary> and the full text in <content>, where readers look
    for it (Django's Atom writer only knows <summary>)."""

    item_element = "entry"

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


FEED_TYPES = {"rss": RssFeed, "atom": FullTextAtomFeed}


class NewsFeed(Feed):
    """A feed of the newest articles in one scope (the whole site, a section, a tag, an author)."""

    # A guid that survives a corrected headline or slug, so readers never show a story twice.
    item_guid_is_permalink = False

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
        return reverse("wagtail_serve", args=("",))  # the edition's front page

    def title(self, scope):
        name = newsroom_name()
        suffix = self.scope_title(scope)
        return xml_safe(f"{name}: {suffix}" if suffix else name)

    def link(self, scope):
        return absolute_url(self.scope_path(scope))

    def feed_url(self, scope):
        return absolute_url(self.scope_path(scope) + f"{self.kind}.xml")

    def description(self, scope):
        return self.title(scope)

    def author_name(self, scope):
        # Atom needs an author for every entry; the newsroom stands in for stories without a byline.
        return xml_safe(newsroom_name())

    subtitle = description

    def items(self, scope):
        items = feed_items(self.articles(scope)[:FEED_SIZE])
        # Their full texts' data in one read for the whole feed, not one per story.
        read_once_per_batch("feed-full-text", [item.pk for item in items], read_full_texts)
        return items

    def item_title(self, article):
        return xml_safe(article.title)

    def item_link(self, article):
        return public_url(article)

    def item_guid(self, article):
        """The same for a story whatever its headline or address; translations share a
        translation_key, so each edition but the default language's derives its own from it (the
        default's stayed what it was before there were editions)."""
        if article.language == default_language():
            return f"urn:uuid:{article.translation_key}"
        return f"urn:uuid:{uuid5(article.translation_key, article.language)}"

    def item_description(self, article):
        if self.kind == "atom":
            return xml_safe(escape(article.standfirst)) or None
        return full_text(article.pk)

    def item_extra_kwargs(self, article):
        return {"content": full_text(article.pk)} if self.kind == "atom" else {}

    def item_author_name(self, article):
        return xml_safe(", ".join(article.author_names)) or None

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.modified_at

    def item_categories(self, article):
        return [xml_safe(name) for name in article.tag_names]


class SiteFeed(NewsFeed):
    pass


class SectionFeed(NewsFeed):
    def articles(self, section):
        return published_articles().child_of(section)

    def scope_title(self, section):
        return section.title

    def scope_path(self, section):
        return public_path(section)


class TagFeed(NewsFeed):
    def articles(self, tag):
        return published_articles().filter(tagged_items__tag=tag)

    def scope_title(self, tag):
        return tag.name

    def scope_path(self, tag):
        return tag_path(tag)


class AuthorFeed(NewsFeed):
    def articles(self, author):
        return articles_by(author)

    def scope_title(self, author):
        return author.name

    def scope_path(self, author):
        return author.get_absolute_url()
