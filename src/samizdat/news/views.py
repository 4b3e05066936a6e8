from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from .feeds import AuthorFeed, SectionFeed, SiteFeed, TagFeed
from .listing import paginate, published_articles, with_listing_parts
from .models import Author, SectionPage
from .search import search_articles
from .sitemaps import recent_news


def author_page(request, slug, number=1):
    author = get_object_or_404(Author, slug=slug)
    articles = published_articles().filter(article_authors__author=author).distinct()
    return render(
        request,
        "news/author_page.html",
        {"author": author, "articles": paginate(with_listing_parts(articles), number)},
    )


def tag_page(request, slug, number=1):
    tag = get_object_or_404(Tag, slug=slug)
    articles = published_articles().filter(tagged_items__tag=tag)
    return render(
        request, "news/tag_page.html", {"tag": tag, "articles": paginate(with_listing_parts(articles), number)}
    )


def site_feed(request, kind):
    return SiteFeed(None, kind)(request)


def section_feed(request, section, kind):
    page = get_object_or_404(SectionPage.objects.live().public(), slug=section, depth=3)
    return SectionFeed(page, kind)(request)


def author_feed(request, slug, kind):
    return AuthorFeed(get_object_or_404(Author, slug=slug), kind)(request)


def tag_feed(request, slug, kind):
    return TagFeed(get_object_or_404(Tag, slug=slug), kind)(request)


def search(request):
    query, results = search_articles(request.GET.get("q", ""), request.GET.get("page", "1"))
    return render(request, "news/search.html", {"query": query, "results": results})


def news_sitemap(request):
    from wagtail.models import Site

    from samizdat.core.models import NewsroomSettings

    site = Site.objects.filter(is_default_site=True).first()
    return render(
        request,
        "news/news_sitemap.xml",
        {"articles": recent_news(), "publication": NewsroomSettings.for_site(site).name if site else "samizdat"},
        content_type="application/xml",
    )


def robots_txt(request):
    return render(request, "news/robots.txt", content_type="text/plain")
