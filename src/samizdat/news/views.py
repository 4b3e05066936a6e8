import functools

from django.contrib.sitemaps.views import x_robots_tag
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.utils.http import http_date

from samizdat.core.limits import limited
from samizdat.core.models import newsroom_name

from .feeds import AuthorFeed, SectionFeed, SiteFeed, TagFeed, xml_safe
from .archive import listing_page
from .listing import articles_by, articles_tagged, edition_is_open, in_edition, published_tag, tag_path
from .models import Author, SectionPage
from .search import search_articles
from .sitemaps import SITEMAPS, news_sitemap_entries, sitemap_index_entries, urlset
from .teasers import teasers


def in_an_open_edition(view):
    """The view answers 404 in an edition with no live front page yet (/ru/rss.xml before the
    Russian edition opens), as its pages do."""

    @functools.wraps(view)
    def open_edition_view(request, *args, **kwargs):
        if not edition_is_open():
            raise Http404
        return view(request, *args, **kwargs)

    return open_edition_view


@in_an_open_edition
def author_page(request, slug, number=None):
    author = get_object_or_404(in_edition(Author.objects.all()), slug=slug)
    articles = articles_by(author)
    page = listing_page(articles, author.get_absolute_url(), number)
    return render(request, "news/author_page.html", {"author": author, "articles": page})


@in_an_open_edition
def tag_page(request, slug, number=None):
    tag = _published_tag_or_404(slug)
    articles = articles_tagged(tag)
    page = listing_page(articles, tag_path(tag), number)
    return render(request, "news/tag_page.html", {"tag": tag, "articles": page})


@in_an_open_edition
def site_feed(request, kind):
    return SiteFeed(None, kind)(request)


@in_an_open_edition
def section_feed(request, section, kind):
    page = get_object_or_404(in_edition(SectionPage.objects.live().public()), slug=section, depth=3)
    return SectionFeed(page, kind)(request)


@in_an_open_edition
def author_feed(request, slug, kind):
    return AuthorFeed(get_object_or_404(in_edition(Author.objects.all()), slug=slug), kind)(request)


@in_an_open_edition
def tag_feed(request, slug, kind):
    return TagFeed(_published_tag_or_404(slug), kind)(request)


@in_an_open_edition
@limited("news.search", "LIMIT_SEARCHES_PER_CLIENT", method=("GET", "HEAD", "POST"))
def search(request):
    query, results = search_articles(request.GET.get("q", ""), request.GET.get("page", "1"))
    shown = teasers([article.pk for article in results.object_list]) if results else []
    return render(request, "news/search.html", {"query": query, "results": results, "teasers": shown})


@in_an_open_edition
def sitemap_index(request):
    response = TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": sitemap_index_entries()}, content_type="application/xml"
    )
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@in_an_open_edition
def sitemap_section(request, section):
    """A sitemap's first page; Django's `?p=N` still names the others."""
    return sitemap_page(request, section, request.GET.get("p", 1))


@x_robots_tag
@in_an_open_edition
def sitemap_page(request, section, number):
    """Page `number` of a sitemap at its own path (Django's view reads it from `?p=`), its XML
    written by sitemaps.urlset() rather than a template."""
    if section not in SITEMAPS:
        raise Http404("No such sitemap")
    sitemap = SITEMAPS[section]()
    try:
        urls = sitemap.get_urls(page=number)
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such sitemap page") from None
    lastmod = getattr(sitemap, "latest_lastmod", None)  # set by get_urls() when every address has one
    headers = {"Last-Modified": http_date(lastmod.timestamp())} if lastmod else None
    return HttpResponse(urlset(urls), content_type="application/xml", headers=headers)


@in_an_open_edition
def news_sitemap(request):
    return render(
        request,
        "news/news_sitemap.xml",
        {"articles": news_sitemap_entries(), "publication": xml_safe(newsroom_name())},
        content_type="application/xml",
    )


def robots_txt(request):
    return render(request, "news/robots.txt", content_type="text/plain")


def _published_tag_or_404(slug):
    tag = published_tag(slug)
    if tag is None:
        raise Http404("No such tag")
    return tag
