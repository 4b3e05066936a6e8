"""An edition as email: rendered once, HTML (styles inlined) and plain text, with placeholders
where each reader's own links go. Personalising is then a substitution, not a template render.

The same items feed the edition's web page in the archive.
"""

from dataclasses import dataclass

import css_inline
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samizdat.core.links import absolute_url
from samizdat.core.models import newsroom_name
from samizdat.news.listing import published_articles

# Stand-ins for each reader's own links; chosen so no article could contain them by chance.
UNSUBSCRIBE = "%%samizdat:unsubscribe%%"
PREFERENCES = "%%samizdat:preferences%%"

EMAIL_IMAGE = "width-600"
SAMPLE_SIZE = 5

_inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


@dataclass
class Item:
    """One article in an edition, as shown: title, blurb (or standfirst), address, picture."""

    title: str
    text: str
    url: str
    image_url: str = ""
    image_alt: str = ""
    image_width: int = 0
    image_height: int = 0
    section: str = ""


def item_for(article, blurb=""):
    item = Item(
        title=article.title,
        text=blurb or article.standfirst,
        url=absolute_url(article.url or ""),
        section=article.get_parent().title if article.get_parent() else "",
    )
    if article.lead_image_id:
        try:
            rendition = article.lead_image.get_rendition(EMAIL_IMAGE)
        except Exception:  # a missing original file must not stop an edition
            rendition = None
        if rendition is not None:
            item.image_url = absolute_url(rendition.url)
            item.image_alt = article.lead_image_caption or article.lead_image.title
            item.image_width, item.image_height = rendition.width, rendition.height
    return item


def edition_items(edition):
    links = edition.articles.select_related("article", "article__lead_image").order_by("sort_order")
    return [item_for(link.article.specific, link.blurb) for link in links if link.article.live]


def newest_articles(newsletter):
    """The newest stories of the newsletter's edition."""
    with translation.override(newsletter.language):
        return published_articles().filter(locale_id=newsletter.locale_id)


def sample_items(newsletter):
    """Before the first send, the preview shows what an edition looks like with recent stories."""
    return [item_for(article) for article in newest_articles(newsletter).select_related("lead_image")[:SAMPLE_SIZE]]


def intro_paragraphs(text):
    return [" ".join(part.split()) for part in (text or "").split("\n\n") if part.strip()]


@dataclass
class RenderedEdition:
    subject: str
    html: str
    text: str


def render_email(edition, items=None):
    """The edition's email, once for everyone: UNSUBSCRIBE and PREFERENCES mark the reader's links.
    Written in the newsletter's language, whoever asks (the worker has no request to set one)."""
    with translation.override(edition.newsletter.language):
        return _render_email(edition, edition_items(edition) if items is None else items)


def _render_email(edition, items):
    context = {
        "edition": edition,
        "newsletter": edition.newsletter,
        "items": items,
        "intro": intro_paragraphs(edition.intro),
        "newsroom": newsroom_name(),
        "web_url": absolute_url(edition.get_absolute_url()) if edition.pk else absolute_url(edition.newsletter.preview_url()),
        "site_url": absolute_url("/"),
        "unsubscribe_url": UNSUBSCRIBE,
        "preferences_url": PREFERENCES,
        "date": edition.sent_at or edition.scheduled_at or timezone.now(),
    }
    html = _inliner.inline(render_to_string("newsletter/email/edition.html", context))
    text = render_to_string("newsletter/email/edition.txt", context)
    return RenderedEdition(subject=edition.subject, html=_short_lines(html), text=_tidy_text(text))


def _short_lines(html):
    """Mail lines must stay under 998 characters, or the body is re-encoded (quoted-printable) and
    the placeholders could be cut in two. Breaking between tags changes nothing a reader sees."""
    if all(len(line) < 900 for line in html.splitlines()):
        return html
    return html.replace("><", ">\n<")


def _tidy_text(text):
    lines = [line.rstrip() for line in text.splitlines()]
    out = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"
