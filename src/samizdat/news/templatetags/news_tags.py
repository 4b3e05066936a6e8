import json
import re

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from wagtail.images import get_image_model

from samizdat.core.links import absolute_url

from .. import listing, related
from ..feeds import xml_safe
from ..models import ArticlePage
from ..structured_data import news_article
from ..teasers import render_teaser

register = template.Library()

# The same escapes as Django's json_script: nothing in the data can close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
# Feed readers fetch our HTML from elsewhere, so /media/... and /news/... must carry the host.
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


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


@register.simple_tag
def teaser(article, lead_teaser=False, level=3):
    """A story's teaser in a listing, from its teasers.teasers() data."""
    return render_teaser(article, lead_teaser, level)


@register.simple_tag
def read_more(article):
    """The teasers of the stories shown under `article`, by related.read_more()'s rule."""
    return related.read_more(article)


@register.simple_tag
def image_of(picture):
    """The image a teaser's `picture` names, for Wagtail's image tags; None if it is gone."""
    return get_image_model().objects.filter(pk=picture[0]).first()


@register.simple_tag
def story_body(raw):
    """A story's body from its stored (plain) form, its blocks ready for {% include_block %}."""
    return ArticlePage._meta.get_field("body").to_python(raw)


@register.filter
def feed_html(html):
    """HTML as feed readers get it: links and pictures on SITE_URL, nothing XML forbids."""
    return mark_safe(xml_safe(_ROOT_RELATIVE.sub(lambda match: f"{match.group(1)}{settings.SITE_URL}/", html)))
