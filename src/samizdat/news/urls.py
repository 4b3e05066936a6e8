from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from . import views
from .sitemaps import SITEMAPS



class FeedKindConverter:
    regex = "rss|atom"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FeedKindConverter, "feedkind")

app_name = "news"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("authors/<str:slug>/", views.author_page, name="author"),
    path("authors/<str:slug>/page/<int:number>/", views.author_page, name="author_page"),
    path("authors/<str:slug>/<feedkind:kind>.xml", views.author_feed, name="author_feed"),
    path("tags/<str:slug>/", views.tag_page, name="tag"),
    path("tags/<str:slug>/page/<int:number>/", views.tag_page, name="tag_page"),
    path("tags/<str:slug>/<feedkind:kind>.xml", views.tag_feed, name="tag_feed"),
    path("<feedkind:kind>.xml", views.site_feed, name="site_feed"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "news:sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("news-sitemap.xml", views.news_sitemap, name="news_sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("<slug:section>/<feedkind:kind>.xml", views.section_feed, name="section_feed"),
]
