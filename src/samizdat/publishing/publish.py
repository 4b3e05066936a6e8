"""Rendering addresses into the output folder: one change at a time, or the whole site."""

import errno
import logging
import multiprocessing
import os
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.utils import timezone
from wagtail.models import Page

from . import output
from .batch_cache import batch
from .children import die_with_parent
from .hooks import before_rendering, page_parts
from .models import PublishingProblem
from .pausing import paused
from .render import shared_renderer
from .sources import EVERYTHING, PartOfPage, address, urls_of

logger = logging.getLogger(__name__)
# A batch touching at least this many addresses per process is shared among processes.
PARALLEL_FROM = 24


@dataclass
class Report:
    written: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    unchanged: int = 0
    failed: list = field(default_factory=list)
    unwritable: list = field(default_factory=list)  # among `failed`: rendered, but the disk refused the file
    seconds: float = 0.0

    def add(self, other):
        self.written += other.written
        self.removed += other.removed
        self.unchanged += other.unchanged
        self.failed += other.failed
        self.unwritable += other.unwritable
        self.seconds += other.seconds

    def summary(self):
        return (
            f"{len(self.written)} written, {len(self.removed)} removed, {self.unchanged} unchanged, "
            f"{len(self.failed)} failed in {self.seconds:.2f}s"
        )


def publish_urls(urls, root=None, renderer=None, progress=None):
    """Render each address into the output folder. A page that fails keeps its previous file; a
    page that is gone (404, redirect) loses its file, so the request reaches Django."""
    started = time.monotonic()
    root = root or output.current_root()
    renderer = renderer or shared_renderer()
    report = Report()
    # A page that saves something while rendering must not publish again.
    with paused(), batch():
        _publish_each(urls, root, renderer, report, progress)
    report.seconds = time.monotonic() - started
    return report


def _publish_each(urls, root, renderer, report, progress):
    pages = [url for url in dict.fromkeys(urls) if not isinstance(url, PartOfPage)]
    whole = set(pages)  # a page rendered whole needs no part of it refreshed
    urls = [url for url in dict.fromkeys(urls) if not isinstance(url, PartOfPage) or url.url not in whole]
    _prepare_pages(pages, renderer)
    _prepare_parts(urls, renderer)
    for each in urls:
        url = address(each)
        try:
            output.relative_file(url)
        except output.UnsafePath as error:
            report.failed.append(url)
            _note_problem(url, str(error), retry=False)  # the same address will never be safe
            continue
        try:
            _publish_one(each, root, renderer, report)
        except OSError as error:
            # The disk said no (permissions, full, read-only): the file readers get is the one
            # before, untouched, since files are only ever replaced whole. The rest of the batch
            # goes on; this address is tried again later, by itself.
            report.failed.append(url)
            report.unwritable.append(url)
            _note_problem(url, _unwritable_message(root, url, error))
        if progress:
            progress(url)


def _publish_one(each, root, renderer, report):
    if isinstance(each, PartOfPage) and _refresh_part(root, each, renderer, report):
        return
    url = address(each)
    rendered = renderer.render(url)
    if rendered.ok:
        if output.write(root, url, rendered.content):
            report.written.append(url)
        else:
            report.unchanged += 1
        _clear_problem(url)
    elif rendered.gone:
        if output.remove(root, url):
            report.removed.append(url)
        _clear_problem(url)
    else:
        report.failed.append(url)
        _note_problem(url, rendered.problem)


DISK_SAYS = {
    errno.EACCES: "samizdat is not allowed to write in that folder (permission denied)",
    errno.EPERM: "samizdat is not allowed to change that file (operation not permitted)",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is mounted read-only",
}


def _unwritable_message(root, url, error):
    reason = DISK_SAYS.get(error.errno) or (error.strerror or str(error)).lower()
    try:
        where = output.relative_file(url)
    except output.UnsafePath:  # pragma: no cover: checked before writing
        where = url
    return (
        f"The page {url} could not be saved as a file ({where} in the public folder): {reason}. "
        "Readers still get the previous version. samizdat tries again by itself, and the page "
        "is up to date again once the disk lets it write."
    )


def _prepare_pages(pages, renderer):
    """The samizdat_before_rendering hooks, with the batch's whole pages, to fetch at once what
    many of them show."""
    if len(pages) >= 2:
        before_rendering(renderer.request_for(pages[0]), pages)


def _prepare_parts(urls, renderer):
    """Each page part's prepare(), once with every page of the batch whose part it renders."""
    by_name = {}
    for url in urls:
        if isinstance(url, PartOfPage):
            by_name.setdefault(url.part, []).append(url.url)
    parts = page_parts()
    for name, addresses in by_name.items():
        if name in parts and len(addresses) > 1:
            try:
                parts[name].prepare(renderer.request_for(addresses[0]), addresses)
            except Exception:  # only a head start: each part is still rendered (or reported) on its own
                logger.exception("Preparing the %s parts failed", name)


def _refresh_part(root, each, renderer, report):
    """Render one marked part of a published page and splice it into the file: a story's Read more
    costs a tenth of the whole page. False when the whole page has to be rendered instead (no file
    yet, no markers, the part can't be rendered on its own)."""
    url, name = each
    part = page_parts().get(name)
    if part is None:
        return False
    start, end = f"<!--fragment:{name}-->".encode(), f"<!--/fragment:{name}-->".encode()
    try:
        content = output.target(root, url).read_bytes()
    except OSError:
        return False
    begins = content.find(start)
    ends = content.find(end, begins + len(start)) if begins >= 0 else -1
    if ends < 0 or content.find(start, begins + len(start), ends) >= 0:
        return False
    try:
        part = part.render(renderer.request_for(url), url)
    except Exception:  # whatever it was, the whole page will show it properly, or report it
        logger.exception("Rendering the %s part of %s failed", name, url)
        return False
    part = part.encode() if part is not None else b""
    first, last = part.find(start), part.rfind(end)
    if first < 0 or last < first:
        return False
    updated = content[:begins] + part[first : last + len(end)] + content[ends + len(end) :]
    if output.write(root, url, updated, previous=content):
        report.written.append(url)
    else:
        report.unchanged += 1
    return True


def publish_urls_in_processes(urls, processes, root=None, progress=None):
    """publish_urls() shared among this process and forked ones, dealt out by shares() so each
    gets its share of the slow pages and the order (front pages first) holds. This process
    renders the first share itself, with what it has already looked up for the change. A process
    that dies leaves its addresses to this one, and they die with it (a killed worker leaves no
    renderer behind). The teasers they render reach the next change through the render cache on
    disk."""
    started = time.monotonic()
    report = Report()
    parts = shares(urls, processes)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    children = []
    for part in parts[1:]:
        receiving, sending = context.Pipe(duplex=False)
        child = context.Process(target=_publish_part, args=(part, root, sending, os.getpid()), daemon=True)
        child.start()
        sending.close()
        children.append((part, child, receiving))
    report.add(publish_urls(parts[0], root=root, progress=progress))
    for part, child, receiving in children:
        try:
            part_report = receiving.recv()
        except EOFError:
            logger.error("A publishing process stopped (exit code %s); rendering its pages here", child.exitcode)
            part_report = publish_urls(part, root=root, progress=progress)
        report.add(part_report)
        child.join()
        if progress:
            progress(None)
    report.seconds = time.monotonic() - started
    return report


def shares(urls, processes):
    """`urls` dealt out to `processes` a folder at a time: a listing's front, its archive pages
    and its feeds (/tags/port/, /tags/port/page/3/, /tags/port/rss.xml) show the same stories, which
    one process then reads and finds kept once, where dealing single addresses had every process
    read them all again."""
    folders = {}
    for url in urls:
        folders.setdefault(_FOLDER.sub("", address(url)), []).append(url)
    parts = [[] for _ in range(processes)]
    for n, folder in enumerate(folders.values()):
        parts[n % processes].extend(folder)
    return parts


# An archive page or a file in a folder (a feed, a sitemap) goes with the folder's own address.
_FOLDER = re.compile(r"(?:page/\d+/|[^/]+\.xml)$")


def _publish_part(urls, root, sending, parent):
    die_with_parent(parent)
    connections.close_all()  # the parent's, copied by fork: this process opens its own
    sending.send(publish_urls(urls, root=root))
    sending.close()
    connections.close_all()


def warm_up(renders=12):
    """For a worker that has just started (a samizdat_worker_started hook): work out where the latest
    published page is shown and render a few of those addresses, writing nothing. Modules loaded
    on first use, compiled templates, the middleware and the render cache are then ready, in this
    process and in those it forks, and the first change after a restart takes no longer than the
    next."""
    if not settings.PUBLISHING_ENABLED:
        return
    page = Page.objects.live().filter(depth__gt=1).order_by("-last_published_at").first()
    if page is None:
        return
    with paused(), batch():
        urls = [address(url) for url in urls_of(page.specific) if url != EVERYTHING]
        # The first few (the page, its listings) and a spread of the rest (feeds, sitemaps, ...).
        step = max(1, len(urls) // renders)
        renderer = shared_renderer()
        for url in dict.fromkeys(urls[: renders // 2] + urls[renders // 2 :: step][: renders // 2]):
            renderer.render(url)


def retry_delay(attempts):
    """Seconds before trying again after `attempts` failures: doubling from PUBLISH_RETRY_SECONDS,
    so a fault fixed in a minute is caught up in about a minute, and one that lasts the weekend
    costs a try every PUBLISH_RETRY_MAX_SECONDS."""
    return min(settings.PUBLISH_RETRY_SECONDS * 2 ** max(attempts - 1, 0), settings.PUBLISH_RETRY_MAX_SECONDS)


def _note_problem(url, message, retry=True):
    logger.error("Could not publish %s: %s", url, message)
    with transaction.atomic():
        problem = PublishingProblem.objects.select_for_update().filter(url=url[:2000]).first()
        attempts = problem.attempts + 1 if problem else 1
        retry_at = timezone.now() + timedelta(seconds=retry_delay(attempts)) if retry else None
        PublishingProblem.objects.update_or_create(
            url=url[:2000], defaults={"message": message, "attempts": attempts, "retry_at": retry_at}
        )
    _known_problems().add(url[:2000])


def _clear_problem(url):
    # Problems are few: one look at the table per batch, not a DELETE per page.
    if url[:2000] in _known_problems():
        PublishingProblem.objects.filter(url=url[:2000]).delete()
        _known_problems().discard(url[:2000])


def _known_problems():
    problems = PublishingProblem.objects.values_list("url", flat=True)
    return caches["batch"].get_or_set("publishing-problems", lambda: set(problems))


__all__ = ["Report", "publish_urls", "publish_urls_in_processes", "retry_delay"]
