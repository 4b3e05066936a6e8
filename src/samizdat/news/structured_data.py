"""schema.org NewsArticle for search engines and link previews."""

from wagtail.models import Site

from samizdat.core.links import absolute_url
from samizdat.core.models import NewsroomSettings


def lead_image_url(article, spec="width-1200"):
    if not article.lead_image:
        return None
    return absolute_url(article.lead_image.get_rendition(spec).url)


def news_article(article):
    site = Site.objects.filter(is_default_site=True).first()
    newsroom = NewsroomSettings.for_site(site) if site else None
    publisher = {"@type": "Organization", "name": newsroom.name if newsroom else "samizdat", "url": absolute_url("/")}
    if newsroom and newsroom.logo:
        publisher["logo"] = {"@type": "ImageObject", "url": absolute_url(newsroom.logo.get_rendition("max-600x60").url)}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": absolute_url(article.url),
        "headline": article.title[:110],
        "description": article.search_description or article.standfirst,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.modified_at.isoformat() if article.modified_at else None,
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute_url(author.get_absolute_url())}
            for author in article.authors
        ],
        "publisher": publisher,
    }
    image = lead_image_url(article)
    if image:
        data["image"] = [image]
    if article.section:
        data["articleSection"] = article.section.title
    tags = [tag.name for tag in article.tags.all()]
    if tags:
        data["keywords"] = tags
    return {key: value for key, value in data.items() if value not in (None, "", [])}
