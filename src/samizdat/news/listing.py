"""Which articles a listing shows, in what order, and where they live. Shared by pages, feeds,
sitemaps and search."""

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from taggit.models import Tag

from samizdat.core.links import absolute_url

from .models import ArticlePage, Author, SectionPage

SECTION_TEASERS = 4


def published_articles():
    """Live, public articles, newest first. Drafts and scheduled articles are not live.

    Ordered only by fields the search index can filter on ("id", not "pk"), so the same queryset
    can be searched with `.search(q, order_by_relevance=False)` for newest-first results.
    """
    return (
        ArticlePage.objects.live()
        .public()
        .filter(published_at__isnull=False)
        .order_by("-published_at", "-id")
    )


def published_tags():
    """Tags carried by at least one published article: a tag used only on drafts stays unknown."""
    return Tag.objects.filter(news_articletag_items__content_object__in=published_articles().values("pk")).distinct()


def published_authors():
    """Authors with a byline on at least one published article."""
    return Author.objects.filter(article_links__page__in=published_articles().values("pk")).distinct()


def paginate(queryset, number, per_page=None):
    """One page of a listing; a page past the end, zero or negative is a 404, not an error."""
    paginator = Paginator(queryset, per_page or settings.NEWS_PAGE_SIZE, allow_empty_first_page=True)
    try:
        if number < 1:
            raise EmptyPage
        return paginator.page(number)
    except EmptyPage:
        raise Http404("No such page") from None


def with_listing_parts(queryset):
    return queryset.select_related("lead_image").prefetch_related("article_authors__author")


def public_path(page):
    """A page's path on the public site.

    Wagtail's `page.url` turns into a full URL on the Site's own hostname as soon as a second Site
    exists; feeds, sitemaps and canonical links must name SITE_URL's host whatever the Sites say.
    """
    parts = page.get_url_parts()
    return parts[2] if parts and parts[2] else None


def public_url(page):
    path = public_path(page)
    return absolute_url(path) if path else None


def front_page_context(home):
    articles = with_listing_parts(published_articles().descendant_of(home))
    # The chosen lead may since have been unpublished or rescheduled; then the newest story leads.
    lead = articles.filter(pk=home.lead_article_id).first() if home.lead_article_id else None
    lead = lead or articles.first()
    sections = []
    for section in SectionPage.objects.child_of(home).live().public():
        teasers = with_listing_parts(published_articles().child_of(section))
        if lead:
            teasers = teasers.exclude(pk=lead.pk)
        sections.append({"section": section, "articles": list(teasers[:SECTION_TEASERS])})
    return {"lead": lead, "sections": sections, "latest": paginate(articles, 1)}


def latest_context(home, number):
    articles = with_listing_parts(published_articles().descendant_of(home))
    return {"articles": paginate(articles, number)}
