"""`samizdat publish --all`: the whole public site rendered into a new build, swapped in at once."""

import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.utils import timezone

from . import output
from .batch_cache import keep_batch_for_this_process
from .children import die_with_parent
from .models import PublishedSource
from .publish import Report, publish_urls
from .sources import every_url

logger = logging.getLogger(__name__)
CHUNK = 40

_started = False  # in a rebuild's worker process: whether it has set up for its first chunk


class UnwritableBuild(OSError):
    """Some files of a new build could not be written: it is not swapped in."""


def rebuild_site(processes=None, progress=None):
    """Render every address into a fresh build folder, then make it the one readers get. If
    anything goes wrong before the switch, the old site stays in place untouched. `progress` is
    called with each address (or None) as the work goes on."""
    started_at, started = timezone.now(), time.monotonic()
    output.remove_abandoned_builds()
    urls = list(every_url())
    caches["pieces"].clear()  # trusts nothing made before it (a purged rendition, say)
    build = output.new_build_dir()
    processes = processes or settings.PUBLISH_PROCESSES or os.cpu_count() or 1
    report = Report()
    try:
        if processes == 1 or len(urls) <= CHUNK:
            report = publish_urls(urls, root=build, progress=progress)
        else:
            _render_in_parallel(urls, build, processes, report, progress)
        if report.unwritable:
            # A build missing files would take pages off the site: the one readers have stays.
            raise UnwritableBuild(
                f"{len(report.unwritable)} files of the new build could not be written "
                f"(the first: {report.unwritable[0]}); the site as it was stays online"
            )
    except BaseException:
        output.discard_build(build)
        raise
    output.switch_to(build)
    # Changes published while this build was rendering went to the old build: repeat them here.
    for record in PublishedSource.objects.filter(updated_at__gte=started_at):
        publish_urls(record.urls, root=build)
    report.seconds = time.monotonic() - started
    logger.info("Rebuilt the public site: %s", report.summary())
    return report


def _render_in_parallel(urls, build, processes, report, progress):
    chunks = [urls[i : i + CHUNK] for i in range(0, len(urls), CHUNK)]
    connections.close_all()  # each worker opens its own; a shared SQLite or PostgreSQL socket breaks
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        futures = [pool.submit(_render_chunk, chunk, str(build)) for chunk in chunks]
        for future in as_completed(futures):
            part = future.result()
            report.add(part)
            if progress:
                for url in part.written + part.failed:
                    progress(url)
                for _ in range(part.unchanged + len(part.removed)):
                    progress(None)


def _render_chunk(urls, build):
    global _started
    if not _started:
        _started = True
        connections.close_all()
        keep_batch_for_this_process()  # teasers and feed texts shared by all its pages
    return publish_urls(urls, root=build)
