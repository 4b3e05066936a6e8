"""`samizdat publish --check`: every published file compared with what the database says now.

The periodic pass the worker runs every minute (`samizdat publish --resume`) only takes up what is
recorded as owed: unfinished changes and Publishing problems. That covers every fault the
publisher can see (a killed worker, a disk that said no), at the cost of two indexed queries.
What it can't see (files changed or deleted by hand, a database restored from a backup, a deploy
that changes the templates) needs this full check, which renders every page: a rebuild's CPU
time, written only where a file differs, in place, so readers never wait for a swap. So the same
pass enqueues it every PUBLISH_CHECK_EVERY seconds (a day by default), as a task of low priority.
"""

import os
import time
from pathlib import Path, PurePosixPath

from django.conf import settings

from . import output
from .publish import PARALLEL_FROM, publish_urls, publish_urls_in_processes
from .sources import every_url


def check_site(processes=None, progress=None):
    """Render every address and every published file's address into the current build, writing
    only the files that differ and removing those of pages that are gone. Returns the Report:
    `written` and `removed` are what differed."""
    root = output.current_root()
    urls = list(every_url())
    known = set()
    for url in urls:
        try:
            known.add(output.relative_file(url))
        except output.UnsafePath:
            pass  # publish_urls records it as a problem
    strays = []
    for url in _published_addresses(root):
        try:
            file = output.relative_file(url)
        except output.UnsafePath:
            continue  # a name no address of ours has (too long, say): not ours to judge or remove
        if file not in known:
            strays.append(url)
    todo = urls + strays
    processes = processes or settings.PUBLISH_PROCESSES or os.cpu_count() or 1
    if processes > 1 and len(todo) >= PARALLEL_FROM * processes:
        return publish_urls_in_processes(todo, processes, root=root)
    return publish_urls(todo, root=root, progress=progress)


def _published_addresses(root):
    """The address of each file in the build (compressed twins and temporary files aside).
    Hidden folders are not entered: no address of ours has a hidden part, so what is in them was
    put there by someone else (`.well-known/` for certbot's webroot) and is theirs to keep."""
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            if name.startswith(".") or name.endswith((".gz", ".br")):
                continue
            relative = PurePosixPath(Path(folder, name).relative_to(root).as_posix())
            if relative.name == "index.html":
                parent = str(relative.parent)
                yield "/" if parent == "." else f"/{parent}/"
            else:
                yield f"/{relative}"


def last_checked_file():
    return output.public_dir().with_name(output.public_dir().name + ".checked")


def check_is_due(now=None):
    """Whether a full check is due, and if so, noted as started (so the next minute's pass does not
    enqueue another). A site never checked starts counting now: it was just published whole."""
    if not settings.PUBLISH_CHECK_EVERY:
        return False
    now = now or time.time()
    marker = last_checked_file()
    try:
        due = now - marker.stat().st_mtime >= settings.PUBLISH_CHECK_EVERY
    except FileNotFoundError:
        due = False
    if due or not marker.exists():
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        os.utime(marker, (now, now))
    return due
