"""schema.org NewsArticle for search engines and link previews."""

from wagtail.images.shortcuts import get_rendition_or_not_found

from samizdat.core.links import absolute_url
from samizdat.core.models import newsroom_name, newsroom_settings

from .listing import public_url


def rendition_url(image, spec):
    """An absolute URL for a rendition, or None when the original file has gone missing: a lost
    upload costs the article its picture, not its page."""
    if not image:
        return None
    rendition = get_rendition_or_not_found(image, spec)
    if rendition.file.name == "not-found":
        return None
    return absolute_url(rendition.url)


def lead_image_url(article, spec="width-1200"):
    return rendition_url(article.lead_image, spec)


def publisher():
    newsroom = newsroom_settings()
    data = {
        "@type": "NewsMediaOrganization",
        "name": newsroom_name(),
        "url": absolute_url("/"),
    }
    logo = rendition_url(newsroom.logo, "max-600x60") if newsroom else None
    if logo:
        data["logo"] = {"@type": "ImageObject", "url": logo}
    return data


def news_article(article):
    url = public_url(article)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "url": url,
        "headline": article.title[:110],
        "description": article.search_description or article.standfirst,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.modified_at.isoformat() if article.modified_at else None,
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute_url(author.get_absolute_url())}
            for author in article.authors
        ],
        "publisher": publisher(),
        "image": [url for url in [lead_image_url(article)] if url],
        "dateline": article.dateline,
    }
    if article.section:
        data["articleSection"] = article.section.title
    data["keywords"] = [tag.name for tag in article.tag_list]
    return {key: value for key, value in data.items() if value not in (None, "", [])}
