"""Changes in the admin that touch the public site enqueue a publishing task.

The task is enqueued inside the change's own transaction: with the database queue it is stored
atomically with the change, so a change is never saved without its publishing, nor the reverse.
"""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)

from .hooks import shown_on
from .pausing import active, paused
from .sources import address, key_of, shows_on_site, urls_of
from .tasks import owe_change, owe_rebuild

__all__ = ["connect", "paused"]  # paused: for bulk loaders (the demo)

def enqueue_change(obj, also=()):
    if active() and obj.pk is not None:
        owe_change(key_of(obj), also=list(also))


def page_changed(sender, instance, **kwargs):
    enqueue_change(instance.specific)


def page_deleting(sender, instance, **kwargs):
    if isinstance(instance, Page):
        deleting(instance.specific)


def snippet_saved(sender, instance, raw=False, **kwargs):
    if not raw and not isinstance(instance, Page) and shows_on_site(instance):
        enqueue_change(instance)


def snippet_deleting(sender, instance, **kwargs):
    if not isinstance(instance, Page) and shows_on_site(instance):
        deleting(instance)


def deleting(obj):
    """Work out where an object is shown while it still exists; the task is enqueued once the
    deletion is committed, so it renders the site without it (with the database queue, a crash
    in between leaves a stale page until the next rebuild, never a missing one)."""
    if not active() or obj.pk is None:
        return
    urls = [address(url) for url in urls_of(obj)]
    obj_key = key_of(obj)
    transaction.on_commit(lambda: owe_change(obj_key, also=urls))


# A privacy change over more pages than this (a whole section) is one rebuild, not a task per page.
PRIVACY_REBUILD_FROM = 50


def privacy_changed(sender, instance, **kwargs):
    """A password or login put on a page (or taken off) changes it and every page under it."""
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None or not active():
        return
    pages = page.get_descendants(inclusive=True)
    if pages.count() > PRIVACY_REBUILD_FROM:
        owe_rebuild()
        return
    for each in pages.specific(defer=True):
        enqueue_change(each)


def shown_object_saved(sender, instance, raw=False, **kwargs):
    """A picture (or another object a samizdat_shown_on hook names) changed: the pages that
    show it are published again."""
    if not raw and active():
        for page in _pages_showing(instance):
            enqueue_change(page)


def shown_object_deleting(sender, instance, **kwargs):
    """Its pages are republished once the deletion is committed, without it."""
    if not active():
        return
    pages = _pages_showing(instance)
    transaction.on_commit(lambda: [enqueue_change(page) for page in pages])


class _RenditionsGone(threading.local):
    """Pictures whose renditions are being deleted in this thread's transaction: one republish
    each, however many renditions go."""

    def __init__(self):
        self.images = set()


_renditions_gone = _RenditionsGone()


def rendition_deleted(sender, instance, **kwargs):
    """A picture's renditions are deleted after the picture itself is saved (Wagtail's image form
    does so when the file is replaced), so the pages published for that save may point at files
    that are gone: they are published again once the deletion is committed."""
    if not active() or instance.image_id in _renditions_gone.images:
        return
    image_id = instance.image_id
    _renditions_gone.images.add(image_id)

    def republish():
        _renditions_gone.images.discard(image_id)
        image = get_image_model().objects.filter(pk=image_id).first()
        if image is not None:
            shown_object_saved(type(image), image)

    transaction.on_commit(republish)


def _pages_showing(instance):
    pages_showing = shown_on().get(type(instance))
    return pages_showing(instance) if pages_showing else []


def connect():
    page_published.connect(page_changed, dispatch_uid="publishing-published")
    page_unpublished.connect(page_changed, dispatch_uid="publishing-unpublished")
    page_slug_changed.connect(page_changed, dispatch_uid="publishing-slug")
    post_page_move.connect(page_changed, dispatch_uid="publishing-move")
    pre_delete.connect(page_deleting, dispatch_uid="publishing-page-delete")
    post_save.connect(snippet_saved, dispatch_uid="publishing-snippet-save")
    pre_delete.connect(snippet_deleting, dispatch_uid="publishing-snippet-delete")
    post_save.connect(privacy_changed, sender=PageViewRestriction, dispatch_uid="publishing-privacy-saved")
    post_delete.connect(privacy_changed, sender=PageViewRestriction, dispatch_uid="publishing-privacy-deleted")
    post_delete.connect(
        rendition_deleted, sender=get_image_model().get_rendition_model(), dispatch_uid="publishing-rendition-deleted"
    )
    for model in shown_on():
        label = model._meta.label
        post_save.connect(shown_object_saved, sender=model, dispatch_uid=f"publishing-shown-{label}-saved")
        pre_delete.connect(shown_object_deleting, sender=model, dispatch_uid=f"publishing-shown-{label}-deleting")
