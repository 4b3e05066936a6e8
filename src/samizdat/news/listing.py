"""Which articles a listing shows, and in what order. Shared by pages, feeds and sitemaps."""

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404

from .models import ArticlePage, SectionPage

SECTION_TEASERS = 4


def published_articles():
    """Live, public articles, newest first. Drafts and scheduled articles are not live."""
    return (
        ArticlePage.objects.live()
        .public()
        .filter(published_at__isnull=False)
        .order_by("-published_at", "-pk")
    )


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


def front_page_context(home):
    articles = with_listing_parts(published_articles().descendant_of(home))
    lead = home.lead_article if home.lead_article and home.lead_article.live else articles.first()
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
