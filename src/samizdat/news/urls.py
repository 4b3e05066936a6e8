from django.urls import path, register_converter

from . import views


class FeedKindConverter:
    regex = "rss|atom"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class SlugConverter:
    """Any slug an editor could have given, in any script: everything but a slash and control
    characters. A null byte in an address is a 404 here rather than an error from PostgreSQL."""

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FeedKindConverter, "feedkind")
register_converter(SlugConverter, "anyslug")

app_name = "news"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("authors/<anyslug:slug>/", views.author_page, name="author"),
    path("authors/<anyslug:slug>/page/<int:number>/", views.author_page, name="author_page"),
    path("authors/<anyslug:slug>/<feedkind:kind>.xml", views.author_feed, name="author_feed"),
    path("tags/<anyslug:slug>/", views.tag_page, name="tag"),
    path("tags/<anyslug:slug>/page/<int:number>/", views.tag_page, name="tag_page"),
    path("tags/<anyslug:slug>/<feedkind:kind>.xml", views.tag_feed, name="tag_feed"),
    path("<feedkind:kind>.xml", views.site_feed, name="site_feed"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>-<int:number>.xml", views.sitemap_page, name="sitemap_page"),
    path("sitemap-<section>.xml", views.sitemap_section, name="sitemap_section"),
    path("news-sitemap.xml", views.news_sitemap, name="news_sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("<anyslug:section>/<feedkind:kind>.xml", views.section_feed, name="section_feed"),
]
