"""One change published: the object's own addresses first, then every page that shows it now or
showed it when last published (shared among processes when there are many), or the whole site
when it shows on every page."""

import logging
import os

from django.conf import settings
from django.db import connections

from .batch_cache import batch
from .models import PublishedSource
from .publish import PARALLEL_FROM, publish_urls, publish_urls_in_processes
from .rebuild import rebuild_site
from .sources import EVERYTHING, PartOfPage, address, is_published, listing_urls, object_for, own_urls

logger = logging.getLogger(__name__)


def publish_change(key, also=(), progress=None):
    """Re-render what a change to the object `key` touches: where it is shown now and where it
    was shown when last published. `also`: addresses known before it was deleted. Its own
    addresses go first, before the (slower) work of finding every page that lists it; the rest
    is shared among processes when there is enough of it. `progress` is called now and then
    while it works (the task's heartbeat)."""
    # One memo for the whole change, inherited by the processes that render the rest.
    with batch():
        obj = object_for(key)
        record = PublishedSource.objects.filter(key=key).first()
        before = record.urls if record else []
        own = own_urls(obj) if obj is not None else []
        report = publish_urls(own, progress=progress)
        listed = listing_urls(obj) if obj is not None else []
        # A page that shows the object only in a part of it was recorded as a whole page: the
        # part is all that needs refreshing.
        parts = {url.url for url in listed if isinstance(url, PartOfPage)}
        earlier = [url for url in [*also, *before] if url not in parts]
        rest = [url for url in dict.fromkeys([*listed, *earlier]) if url not in own]
        if EVERYTHING in rest:
            report.add(rebuild_site(progress=progress))
        else:
            report.add(_publish_rest(rest, progress))
    if is_published(obj):
        shown = list(dict.fromkeys(address(url) for url in own + listed if url != EVERYTHING))
        PublishedSource.objects.update_or_create(key=key, defaults={"urls": shown})
    else:
        PublishedSource.objects.filter(key=key).delete()
    logger.info("Published %s: %s", key, report.summary())
    return report


def _publish_rest(urls, progress=None):
    processes = min(settings.PUBLISH_PROCESSES or os.cpu_count() or 1, len(urls) // PARALLEL_FROM)
    # Forked processes need connections of their own, which can't be done inside a transaction
    # (the worker runs tasks outside one; the tests' immediate tasks run inside the editor's).
    if processes > 1 and not any(connection.in_atomic_block for connection in connections.all(initialized_only=True)):
        return publish_urls_in_processes(urls, processes, progress=progress)
    return publish_urls(urls, progress=progress)
