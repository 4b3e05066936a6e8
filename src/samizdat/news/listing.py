"""Which articles a listing shows, in what order, and where they live. Shared by pages, feeds,
sitemaps and search."""

import re
from collections import defaultdict
from math import ceil
from types import SimpleNamespace
from urllib.parse import quote

from django.conf import settings
from django.core.cache import caches
from django.db.models import Case, Count, DateTimeField, Exists, F, OuterRef, Q, When
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from taggit.models import Tag
from wagtail.models import Page, Site

from samizdat.core.editions import active_locale, open_languages
from samizdat.core.links import absolute_url

from .models.article import ArticleAuthor, ArticlePage, ArticleTag
from .models.people import Author


def read_once_per_batch(kind, ids, fetch):
    """{id: object} for those of `ids` that exist, `fetch(ids)` returning {id: object}: while the
    publisher renders a batch (Django's cache alias "batch"), each id is fetched once for all its
    pages, the ones not seen yet all in one go; anywhere else, all of them, afresh."""
    cache = caches["batch"]
    keys = {pk: (kind, pk) for pk in ids}
    found = cache.get_many(keys.values())
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        fetched = fetch(missing)
        new = {keys[pk]: fetched.get(pk) for pk in missing}
        cache.set_many(new)
        found.update(new)
    return {pk: found[key] for pk, key in keys.items() if found[key] is not None}


def site_of(request):
    """The Wagtail Site `request` is for, found once per batch for each host: a batch asks it of
    every Read more part it renders, and each lookup is a query Wagtail builds afresh."""
    return caches["batch"].get_or_set(("site-for-host", request.get_host()), lambda: Site.find_for_request(request))


def published_articles():
    """Live, public articles of the active language's edition, newest first. Drafts and scheduled
    articles are not live. (In a language no edition is written in: every edition's.)

    Ordered only by fields the search index can filter on ("id", not "pk"), so the same queryset
    can be searched with `.search(q, order_by_relevance=False)` for newest-first results.
    """
    articles = ArticlePage.objects.live().exclude(_private_q()).filter(published_at__isnull=False)
    return in_edition(articles).order_by("-published_at", "-id")


def edition_is_open():
    """Whether the active edition has a live front page (core.editions.open_languages): until an
    editor publishes one, the edition shows and publishes nothing."""
    locale = active_locale()
    # A language no edition is written in shows the first edition's pages.
    return locale is None or locale.language_code in open_languages()


def in_edition(rows):
    """Those of `rows` (pages, authors, agencies) in the active language's edition."""
    locale = active_locale()
    return rows if locale is None else rows.filter(locale=locale)


def _private_q():
    """What Wagtail's `.public()` leaves out. `.public()` asks the database for every view
    restriction each time; a publishing batch, which asks for published articles hundreds of
    times, asks once."""
    return caches["batch"].get_or_set("private-pages", lambda: Page.objects.all().private_q())


def published_tags():
    """Tags carried by at least one published article: a tag used only on drafts stays unknown.
    (EXISTS stops at a tag's first live story; DISTINCT sorted every story's tags.)"""
    live = ArticleTag.objects.filter(tag=OuterRef("pk"), content_object__in=published_articles().values("pk"))
    return Tag.objects.filter(Exists(live))


def published_tag(slug):
    """The tag with this slug if a published story carries it, else None: published_tags() for one
    tag, by two indexed lookups instead of a scan of every story's tags."""
    tag = Tag.objects.filter(slug=slug).first()
    return tag if tag is not None and articles_tagged(tag).exists() else None


def published_authors():
    """The active edition's authors with a byline on at least one of its published articles."""
    live = ArticleAuthor.objects.filter(author=OuterRef("pk"), page__in=published_articles().values("pk"))
    return in_edition(Author.objects.filter(Exists(live)))


def page_size():
    return settings.NEWS_PAGE_SIZE


def archive_page_count(count):
    return ceil(count / page_size()) if count else 0


def rank_from_oldest(articles, article):
    """(how many of `articles` come before `article`, oldest first; how many there are besides it).
    A story not yet published counts as the newest."""
    others = articles.exclude(pk=article.pk)
    if article.published_at is None:
        count = others.count()
        return count, count
    before = Q(published_at__lt=article.published_at) | Q(published_at=article.published_at, id__lt=article.pk)
    # One query for both: a change asks this of every listing the story is in.
    counted = others.aggregate(count=Count("pk"), before=Count("pk", filter=before))
    return counted["before"], counted["count"]


def archive_page_of(rank):
    """The archive page holding the story that is `rank`-th from the oldest (0 is the oldest)."""
    return rank // page_size() + 1


def articles_by(author):
    return published_articles().filter(article_authors__author=author).distinct()


def articles_tagged(tag):
    return published_articles().filter(tagged_items__tag=tag)


def tag_path(tag):
    """A tag's page in the active edition (/tags/port/, /ru/tags/порт/)."""
    return f"{edition_prefix()}tags/{tag.slug}/"


def edition_prefix():
    """Where the active edition's addresses start: "/" for the first, "/ru/" for Russian."""
    return caches["batch"].get_or_set("edition-prefix", lambda: _serve_prefix(translation.get_language()) or "/")


def with_bylines_and_tags(articles):
    """{pk: story} with each story's `authors` and `tag_list` filled in, in two queries for all."""
    authors, tags = defaultdict(list), defaultdict(list)
    for link in ArticleAuthor.objects.filter(page_id__in=articles).select_related("author").order_by("sort_order", "pk"):
        authors[link.page_id].append(link.author)
    for item in ArticleTag.objects.filter(content_object_id__in=articles).select_related("tag").order_by("pk"):
        tags[item.content_object_id].append(item.tag)
    for pk, article in articles.items():
        article.__dict__["authors"] = authors[pk]  # ArticlePage.authors and .tag_list, ready
        article.__dict__["tag_list"] = tags[pk]
    return articles


# ArticlePage.modified_at, worked out by the database: sitemaps and feeds read it for many stories.
MODIFIED_AT = Case(
    When(updated_at__gt=F("published_at"), then=F("updated_at")),
    default=Coalesce("last_published_at", "published_at"),
    output_field=DateTimeField(),
)
# picture_key() of a story's lead image, read as values of the story.
PICTURE_FIELDS = ("lead_image__file", "lead_image__focal_point_x", "lead_image__focal_point_y",
                  "lead_image__focal_point_width", "lead_image__focal_point_height")


def picture_key_of(values):
    """picture_key() from the PICTURE_FIELDS values of a story."""
    return tuple(values) if values[0] else None


def byline_names(ids):
    """{story id: its bylines' names}, in the order the story shows them."""
    names = defaultdict(list)
    links = ArticleAuthor.objects.filter(page_id__in=ids).order_by("sort_order", "pk")
    for page_id, name in links.values_list("page_id", "author__name"):
        names[page_id].append(name)
    return names


def tag_names(ids):
    """{story id: its tags' names}, in the order the story shows them."""
    names = defaultdict(list)
    items = ArticleTag.objects.filter(content_object_id__in=ids).order_by("pk")
    for story_id, name in items.values_list("content_object_id", "tag__name"):
        names[story_id].append(name)
    return names


def picture_key(image):
    """What a kept teaser or feed text must change with when its picture changes: the file, and
    the focal point its crops are cut around."""
    if image is None:
        return None
    return (image.file.name, image.focal_point_x, image.focal_point_y, image.focal_point_width, image.focal_point_height)


def public_path(page):
    """A page's path on the public site.

    Wagtail's `page.url` turns into a full URL on the Site's own hostname as soon as a second Site
    exists; feeds, sitemaps and canonical links must name SITE_URL's host whatever the Sites say.
    The path is Wagtail's (`get_url_parts`), worked out without a `reverse()` per page: a sitemap
    page names a thousand (tests/news/test_public_path.py checks they agree).
    """
    for root_path, prefix in caches["batch"].get_or_set("public-path-parts", _public_path_parts):
        if page.url_path.startswith(root_path):
            rest = page.url_path[len(root_path) :]
            if prefix is not None and _SERVED_PATH.fullmatch(rest):
                return prefix + quote(rest, safe="/")
            break
    if not isinstance(page, Page):  # a row read without its page (a sitemap's): Wagtail needs the page
        page = Page.objects.get(pk=page.pk)
    parts = page.get_url_parts(caches["batch"].get_or_set("site-root-paths-holder", SimpleNamespace))
    return parts[2] if parts and parts[2] else None


# What Wagtail's `wagtail_serve` URL accepts; the rest (or no trailing slashes) is left to Wagtail.
_SERVED_PATH = re.compile(r"(?:[\w\-]+/)*")


def _public_path_parts():
    """[(a site root's path, the address prefix of the pages below it: "/" or "/ru/")], one
    reverse() per root and edition (Wagtail lists a root's translations as roots of their own),
    not one per page."""
    roots = Site.get_site_root_paths()
    if not getattr(settings, "WAGTAIL_APPEND_SLASH", True):
        return [(root.root_path, None) for root in roots]
    return [(root.root_path, _serve_prefix(root.language_code)) for root in roots]


def _serve_prefix(language_code):
    with translation.override(language_code):
        try:
            return reverse("wagtail_serve", args=("",))
        except NoReverseMatch:
            return None


def public_url(page):
    path = public_path(page)
    return absolute_url(path) if path else None
