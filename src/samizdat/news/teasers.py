"""A story's teaser (picture, headline, standfirst, bylines, date), as listings, the front page and
Read more show it: rendered once, then kept from one publishing batch to the next
(core.render_cache.kept) under a key naming everything it shows."""

from datetime import datetime
from typing import NamedTuple

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from samizdat.core.render_cache import kept, memoized_many

from .listing import PICTURE_FIELDS, articles_in_order, byline_names, picture_key, picture_key_of
from .models import ArticlePage


class TeaserSource(NamedTuple):
    """What a kept teaser is keyed by. Read as rows for many stories at once, it stands in for the
    stories themselves: the Read more parts of one change name hundreds of stories whose teasers
    are nearly all kept already, and only a teaser that isn't loads its story."""

    pk: int
    last_published_at: datetime | None  # a new revision published: a new headline, standfirst or date
    url_path: str
    picture: tuple | None
    author_names: tuple

    @classmethod
    def of(cls, article):
        names = tuple(author.name for author in article.authors)
        return cls(article.pk, article.last_published_at, article.url_path, picture_key(article.lead_image), names)


def teaser_sources(ids):
    """The TeaserSource of each live or draft story among `ids`, in this order; read once per batch."""
    found = memoized_many("teaser-source", ids, _read_sources)
    return [found[pk] for pk in ids if pk in found]


def _read_sources(ids):
    bylines = byline_names(ids)
    sources = {}
    for pk, last_published_at, url_path, *picture in ArticlePage.objects.filter(pk__in=ids).values_list(
        "pk", "last_published_at", "url_path", *PICTURE_FIELDS
    ):
        sources[pk] = TeaserSource(pk, last_published_at, url_path, picture_key_of(picture), tuple(bylines[pk]))
    return sources


def render_teaser(request, article, lead_teaser=False, level=3):
    """The teaser of `article`, a story or its TeaserSource."""
    source = article if isinstance(article, TeaserSource) else TeaserSource.of(article)

    def render():
        story = article
        if isinstance(article, TeaserSource):
            story = next(iter(articles_in_order([article.pk])), None)
            if story is None:
                return ""
        context = {"article": story, "lead_teaser": lead_teaser, "level": level}
        return mark_safe(render_to_string("news/includes/teaser.html", context, request=request))

    return kept(("teaser", *source, lead_teaser, level), render)
