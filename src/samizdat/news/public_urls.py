"""Which public addresses each part of the newsroom is shown at: what the static publisher renders.

For stories, sections, the front page, authors and agencies this module answers the publisher's
two questions (docs/publishing.md), registered as the samizdat_addresses hook in wagtail_hooks.py:
  public urls  the addresses that are the object's own: a page and its feeds, an author's page;
  listed on    the addresses of other pages that show it: listings, feeds, sitemaps.
The models themselves don't know: this module reads them, so they can't import it.
Addresses come in the order readers should get them: the story first, a listing's front before
its archive pages. `extra_public_urls()` lists the addresses that are not pages, for a full rebuild.
Each object is answered for in its own edition (`in_its_edition`): a Russian story's listings are
the Russian edition's (/ru/...), and its translations' pages, which link to it, are republished too.
"""

import functools

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.urls import reverse
from taggit.models import Tag
from wagtail.models import Page, ReferenceIndex

from samizdat.core.editions import each_edition, in_edition_of

from .listing import (
    archive_page_count,
    archive_page_of,
    articles_by,
    articles_tagged,
    edition_is_open,
    public_path,
    published_articles,
    published_authors,
    rank_from_oldest,
    tag_path,
)
from .models import Agency, ArticlePage, ArticleTag, Author, HomePage, SectionPage
from .sitemaps import sitemap_page_paths

FEED_KINDS = ("rss", "atom")


def in_its_edition(answer):
    """`answer(obj, ...)` worked out in the edition `obj` belongs to."""

    @functools.wraps(answer)
    def answer_in_its_edition(obj, *args, **kwargs):
        with in_edition_of(obj):
            return answer(obj, *args, **kwargs)

    return answer_in_its_edition


def site_wide_urls(article=None):
    """The active edition's feeds and sitemaps, and robots.txt: every published change touches
    most of them (given an article, only the sitemap pages it is or was on)."""
    feeds_and_sitemaps = [reverse("news:site_feed", kwargs={"kind": kind}) for kind in FEED_KINDS]
    feeds_and_sitemaps += [reverse("news:news_sitemap"), reverse("news:sitemap")]
    return [*feeds_and_sitemaps, *sitemap_page_paths(article), "/robots.txt"]


def listing_urls(path, articles, article=None):
    """A listing's front and its archive pages: all of them, or, given an article, those that
    change when it is published, edited or taken down: the front, and the archive pages from the
    one before its own (whose "Newer" link moves if the story adds or takes away a page) to the
    newest. The page before is listed even when the story stays: these addresses are also what
    the publisher remembers for the day the story leaves the listing (a tag taken off), and by
    then other stories may have left it alone on its page."""
    if article is None:
        return every_listing_url(path, articles.count())
    rank, count = rank_from_oldest(articles, article)
    first, last = max(1, archive_page_of(rank) - 1), archive_page_count(count + 1)
    return [path] + [f"{path}page/{n}/" for n in range(first, last + 1)]


def every_listing_url(path, count):
    """A listing of `count` stories: its front and every archive page."""
    return [path] + [f"{path}page/{n}/" for n in range(1, archive_page_count(count) + 1)]


def feeds(path):
    return [f"{path}{kind}.xml" for kind in FEED_KINDS]


@in_its_edition
def home_urls(home, article=None):
    return listing_urls(public_path(home) or "/", published_articles().descendant_of(home), article)


@in_its_edition
def section_urls(section, article=None):
    path = public_path(section)
    if path is None:
        return []
    return listing_urls(path, published_articles().child_of(section), article) + feeds(path)


@in_its_edition
def author_urls(author, article=None):
    path = author.get_absolute_url()
    return listing_urls(path, articles_by(author), article) + feeds(path)


def tag_urls(tag, article=None):
    path = tag_path(tag)
    return listing_urls(path, articles_tagged(tag), article) + feeds(path)


def article_urls(article):
    path = public_path(article)
    return [path] if path else []


@in_its_edition
def article_listed_on(article):
    """Where an article is shown besides its own page, whether or not it is live now: a story
    just taken down must leave the same listings it was in. First pages of listings come first,
    then feeds, sitemaps, and last the deeper listing pages. (The stories whose Read more lists it
    are related.ReadMorePart's to name.)"""
    first, feed_urls, deeper = [], [], []
    for urls in listing_urls_of(article):
        for url in urls:
            if url.endswith(".xml"):
                feed_urls.append(url)
            elif "/page/" in url:
                deeper.append(url)
            else:
                first.append(url)
    return first + translations_urls(article) + feed_urls + site_wide_urls(article) + deeper


def translations_urls(article):
    """The live translations of a story: their pages link to it (hreflang, the switcher)."""
    urls = []
    for translation in article.get_translations().live().public().specific():
        with in_edition_of(translation):
            urls.append(public_path(translation))
    return [url for url in urls if url]


@in_its_edition
def author_listed_on(author):
    """Bylines are on the author's stories and on every listing and feed that shows them."""
    return urls_showing(author.article_links.values("page"))


@in_its_edition
def agency_listed_on(agency):
    """The credit line is on the stories that use the agency, and in the feeds' full text."""
    return urls_showing(agency.articles.values("pk"), feeds_only=True)


def newsroom_addresses():
    """(model, its public urls, where it is listed) for the publisher: samizdat_addresses."""
    return [
        (ArticlePage, article_urls, article_listed_on),
        (HomePage, home_urls, None),
        (SectionPage, section_urls, None),  # SectionPage.listed_on() answers itself
        (Author, author_urls, author_listed_on),
        (Agency, None, agency_listed_on),
    ]


def urls_showing(article_ids, feeds_only=False):
    """The pages of these articles and every listing and feed that shows them."""
    urls = []
    for article in published_articles().filter(pk__in=article_ids):
        urls.append(public_path(article))
        for listing in listing_urls_of(article):
            urls += [url for url in listing if url.endswith(".xml")] if feeds_only else listing
    return list(dict.fromkeys(url for url in urls if url)) + site_wide_urls()


def listing_urls_of(article):
    home = HomePage.objects.ancestor_of(article).first()
    section = article.section
    listings = [home_urls(home, article)] if home else []
    if isinstance(section, SectionPage):
        listings.append(section_urls(section, article))
    authors = Author.objects.filter(article_links__page=article).distinct()
    listings += [author_urls(author, article) for author in authors]
    listings += [tag_urls(tag, article) for tag in Tag.objects.filter(news_articletag_items__content_object=article)]
    return listings


def pages_showing_picture(image):
    """The live pages that show an image: the stories it leads (on their pages, in their teasers
    and feeds), and every page with it in its text, found through Wagtail's reference index. They
    are republished when it is edited, its file replaced or its focal point moved."""
    in_text = ReferenceIndex.get_references_to(image).filter(
        base_content_type=ContentType.objects.get_for_model(Page)
    ).values_list("object_id", flat=True)
    pages = Page.objects.live().filter(Q(pk__in=[int(pk) for pk in in_text]) | Q(articlepage__lead_image=image))
    return list(pages.specific())


def extra_public_urls():
    """Addresses that are not pages, in every edition: site feeds, sitemaps, robots.txt, authors'
    and tags' pages."""
    urls = []
    for _language in each_edition():
        if edition_is_open():
            urls += edition_extra_urls()
    return list(dict.fromkeys(urls))


def edition_extra_urls():
    """extra_public_urls() of the active edition."""
    yield from site_wide_urls()
    for author in published_authors().order_by("slug"):
        yield from author_urls(author)
    # Every tag's stories counted in one query, not one per tag.
    counts = dict(
        ArticleTag.objects.filter(content_object__in=published_articles().values("pk"))
        .values("tag_id")
        .annotate(stories=Count("content_object", distinct=True))
        .values_list("tag_id", "stories")
    )
    for tag in Tag.objects.filter(pk__in=counts).order_by("slug"):
        yield from every_listing_url(tag_path(tag), counts[tag.pk]) + feeds(tag_path(tag))
