"""A story's teaser (picture, headline, standfirst, bylines, date), as listings, the front page and
Read more show it: rendered from plain data (teasers()), which is all the template can read, so
the publisher can keep each one from one batch to the next under that data and the template's
source (pieces.render_kept)."""

from django.utils.safestring import mark_safe
from wagtail.models import Page

from .listing import PICTURE_FIELDS, byline_names, picture_key_of, public_path, read_once_per_batch
from .models.article import ArticlePage
from .pieces import render_kept

TEASER_TEMPLATE = "news/includes/teaser.html"


def teasers(ids):
    """The teaser data of each story among `ids`, in this order: read as rows for many stories at
    once (a Read more part names hundreds), once per batch."""
    found = read_once_per_batch("teaser", ids, _read_teasers)
    return [found[pk] for pk in ids if pk in found]


def _read_teasers(ids):
    bylines = byline_names(ids)
    rows = list(
        ArticlePage.objects.filter(pk__in=ids).values_list(
            "pk", "path", "url_path", "title", "standfirst", "published_at", "lead_image_id", *PICTURE_FIELDS
        )
    )
    sections = dict(
        Page.objects.filter(path__in={path[: -Page.steplen] for _, path, *_ in rows}).values_list("path", "title")
    )
    found = {}
    for pk, path, url_path, title, standfirst, published_at, image_id, *picture in rows:
        picture = picture_key_of(picture)
        found[pk] = {
            "pk": pk,
            "url": public_path(ArticleRow(pk, url_path)),
            "title": title,
            "standfirst": standfirst,
            "published_at": published_at,
            "author_names": tuple(bylines[pk]),
            "section": sections.get(path[: -Page.steplen], ""),
            # The picture's id to find it by, and what its crops are cut from.
            "picture": (image_id, *picture) if picture else None,
        }
    return found


class ArticleRow:
    """Enough of a story for public_path(): its id and Wagtail url_path."""

    def __init__(self, pk, url_path):
        self.pk, self.url_path = pk, url_path


def render_teaser(teaser, lead_teaser=False, level=3):
    """The teaser of a story, from its teasers() data."""
    return mark_safe(render_kept(TEASER_TEMPLATE, {"article": teaser, "lead_teaser": lead_teaser, "level": level}))
