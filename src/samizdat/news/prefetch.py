"""Fetching at once what a batch of story pages shows: the publisher calls prepare_story_pages()
(the samizdat_before_rendering hook, wagtail_hooks.py) before rendering each batch of a rebuild, so forty stories cost a
handful of queries instead of forty handfuls."""

from django.core.cache import caches
from wagtail.models import Page

from .listing import site_of, with_bylines_and_tags
from .teasers import teasers
from .models import ArticlePage
from .models.index_pages import story_key
from .related import read_more_ids_of
from .story_index import story_index


def prepare_story_pages(request, urls):
    """The live stories among `urls` with their picture, agency, bylines and tags, kept where
    their section's routing finds them, and every story their Read mores show."""
    site = site_of(request)
    if site is None:
        return
    index = story_index()
    pks = [pk for url in urls if (pk := index.story_at(site, url)) is not None]
    if len(pks) < 2:
        return
    for story in _fetch_stories(pks).values():
        caches["batch"].add(story_key(story.path[: -Page.steplen], story.slug), story)
    teasers(sorted({shown for pk in pks for shown in read_more_ids_of(pk)}))


def _fetch_stories(pks):
    return with_bylines_and_tags(ArticlePage.objects.filter(pk__in=pks).select_related("lead_image", "agency").in_bulk())
