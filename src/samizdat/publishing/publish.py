"""Rendering addresses into the output folder: one change at a time, or the whole site."""

import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from samizdat.core.render_cache import render_cache

from . import output, signals
from .models import PublishedSource, PublishingProblem
from .render import Renderer
from .sources import (
    EVERYTHING,
    is_published,
    key_of,
    listing_urls,
    object_for,
    own_urls,
)

logger = logging.getLogger(__name__)


@dataclass
class Report:
    written: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    unchanged: int = 0
    failed: list = field(default_factory=list)
    seconds: float = 0.0

    def add(self, other):
        self.written += other.written
        self.removed += other.removed
        self.unchanged += other.unchanged
        self.failed += other.failed
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
    renderer = renderer or Renderer()
    report = Report()
    # A page that saves something while rendering must not publish again.
    with signals.paused(), render_cache():
        _publish_each(urls, root, renderer, report, progress)
    report.seconds = time.monotonic() - started
    return report


def _publish_each(urls, root, renderer, report, progress):
    for url in dict.fromkeys(urls):
        try:
            output.relative_file(url)
        except output.UnsafePath as error:
            report.failed.append(url)
            _note_problem(url, str(error))
            continue
        fragment = getattr(url, "fragment", None)
        if fragment and _refresh_fragment(root, url, fragment, renderer, report):
            if progress:
                progress(url)
            continue
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
        if progress:
            progress(url)


def _refresh_fragment(root, url, name, renderer, report):
    """Render one marked part of a published page and splice it into the file: a story's Read more
    costs a tenth of the whole page. False when the whole page has to be rendered instead (no file
    yet, no markers, the part can't be rendered on its own)."""
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
        part = import_string(settings.PUBLISHED_FRAGMENTS[name])(renderer.request_for(url), url)
    except Exception:  # whatever it was, the whole page will show it properly, or report it
        logger.exception("Rendering the %s part of %s failed", name, url)
        return False
    part = part.encode() if part is not None else b""
    first, last = part.find(start), part.rfind(end)
    if first < 0 or last < first:
        return False
    updated = content[:begins] + part[first : last + len(end)] + content[ends + len(end) :]
    if output.write(root, url, updated):
        report.written.append(url)
    else:
        report.unchanged += 1
    return True


def urls_of(obj):
    """Where an object is shown now (own addresses first), or would be shown if it were live."""
    return own_urls(obj) + listing_urls(obj)


def publish_change(key, also=()):
    """Re-render what a change to the object `key` touches: where it is shown now and where it
    was shown when last published. `also`: addresses known before it was deleted. Its own
    addresses go first, before the (slower) work of finding every page that lists it."""
    obj = object_for(key)
    record = PublishedSource.objects.filter(key=key).first()
    before = record.urls if record else []
    own = own_urls(obj) if obj is not None else []
    report = publish_urls(own)
    listed = listing_urls(obj) if obj is not None else []
    rest = [url for url in dict.fromkeys([*listed, *also, *before]) if url not in own]
    if EVERYTHING in rest:
        from .rebuild import rebuild_site

        report.add(rebuild_site())
    else:
        report.add(publish_urls(rest))
    if is_published(obj):
        shown = [url for url in own + listed if url != EVERYTHING]
        PublishedSource.objects.update_or_create(key=key, defaults={"urls": shown})
    else:
        PublishedSource.objects.filter(key=key).delete()
    logger.info("Published %s: %s", key, report.summary())
    return report


def _note_problem(url, message):
    logger.error("Could not publish %s: %s", url, message)
    with transaction.atomic():
        PublishingProblem.objects.update_or_create(url=url[:2000], defaults={"message": message})


def _clear_problem(url):
    PublishingProblem.objects.filter(url=url[:2000]).delete()


__all__ = ["Report", "key_of", "publish_change", "publish_urls", "urls_of"]
