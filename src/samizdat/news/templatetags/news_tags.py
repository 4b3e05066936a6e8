import json

from django import template
from django.utils.safestring import mark_safe

from samizdat.core.links import absolute_url

from .. import listing
from ..structured_data import news_article
from ..teasers import render_teaser

register = template.Library()

# The same escapes as Django's json_script: nothing in the data can close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    data = json.dumps(news_article(article), ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{data}</script>')


@register.filter
def absolute(path):
    """A site path made absolute on SITE_URL; a URL that already names a host (a media CDN) is kept."""
    return absolute_url(path)


@register.filter
def public_url(page):
    """The page's address on SITE_URL, for canonical links and link previews."""
    return listing.public_url(page) or ""


@register.simple_tag(takes_context=True)
def teaser(context, article, lead_teaser=False, level=3):
    """A story's teaser in a listing (`article` a story or its teasers.TeaserSource). While
    publishing, rendered once and kept: the same teaser is on the front page, its section, its
    tags, its authors and in Read more."""
    return render_teaser(context.get("request"), article, lead_teaser, level)
