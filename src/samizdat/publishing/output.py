"""The output folder: where each address's file lives, written atomically, with compressed twins.

`PUBLIC_DIR` is a symbolic link to one complete build in `<PUBLIC_DIR>-builds/`; a full rebuild
writes a new build and swaps the link in one rename, so readers never see half a site. A build
being written has a marker beside it (`.<name>.building`) that its process holds locked: a build
whose marker is no longer locked was abandoned (its process was killed) and is removed.

Several processes may publish into one folder at once (the worker rebuilding while an operator
runs `samizdat publish --all`, serve's start-up rebuild beside a worker): the swap and every
clean-up of the builds folder hold one exclusive lock (`<PUBLIC_DIR>-builds/.lock`), and a clean-up
reads the link again before each removal, so it never removes the build a swap just made live.
"""

import contextlib
import fcntl
import functools
import gzip
import os
import re
import shutil
import unicodedata
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.utils import timezone

from samizdat.core.links import record_published_address

try:  # optional: the `brotli` package, when installed, adds .br files next to the .gz ones
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

COMPRESSIBLE = {".html", ".xml", ".txt", ".css", ".js", ".json", ".svg"}
MIN_COMPRESS_SIZE = 256
MAX_NAME_BYTES = 200  # leaves room for ".gz", ".tmp-…" within the 255 bytes file systems allow


class UnsafePath(ValueError):
    pass


def relative_file(url):
    """The file, relative to the output folder, that holds the page at `url` ("/news/x/" is
    "news/x/index.html"). Raises UnsafePath for anything that could leave the folder or that a
    file system can't hold: "..", control characters, backslashes, over-long names."""
    path = unquote(urlsplit(url).path, errors="strict")
    path = unicodedata.normalize("NFC", path)
    if not path.startswith("/") or "\\" in path or any(ord(c) < 32 or ord(c) == 127 for c in path):
        raise UnsafePath(f"{url!r} is not a path on this site")
    if path.endswith("/"):
        path += "index.html"
    parts = path.split("/")[1:]
    for part in parts:
        if part in ("", ".", "..") or part.startswith("."):
            raise UnsafePath(f"{url!r} has an empty, dot or hidden part")
        if len(part.encode("utf-8")) > MAX_NAME_BYTES:
            raise UnsafePath(f"{url!r} has a part longer than {MAX_NAME_BYTES} bytes")
    return PurePosixPath(*parts)


def public_dir():
    return Path(settings.PUBLIC_DIR)


def builds_dir():
    return public_dir().with_name(public_dir().name + "-builds")


def current_root():
    """The build readers are served from now; made (empty) on first use."""
    link = public_dir()
    if link.is_symlink() and link.resolve().is_dir():
        return link.resolve()
    with builds_locked():
        if link.is_symlink() and link.resolve().is_dir():  # another process made it meanwhile
            return link.resolve()
        build = new_build_dir()
        adopted = link.exists() and not link.is_symlink()
        if adopted:  # a plain folder from elsewhere: adopt it
            os.replace(link, build)
        _switch_to(build)
    if adopted:  # whatever address its pages name, it is not known to be SITE_URL
        record_published_address(None)
    return build


LOCK_NAME = ".lock"


@contextlib.contextmanager
def builds_locked():
    """The builds folder to this process alone, for a swap or a clean-up: held by every process
    that publishes into it (an flock: it goes with the process however it dies). Not re-entrant;
    never held across a fork or while rendering."""
    builds_dir().mkdir(parents=True, exist_ok=True)
    with open(builds_dir() / LOCK_NAME, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _is_live(build):
    """Whether readers are served from `build`, read from the link now (not earlier: another
    process may have swapped since)."""
    link = public_dir()
    return link.is_symlink() and link.resolve() == Path(build).resolve()


_building = {}  # build folder -> its marker, open and locked for as long as this process writes it


def new_build_dir():
    builds_dir().mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
    build = builds_dir() / stamp
    # The lock goes when the process does, however it dies; forked renderers share it.
    while True:
        marker = open(_marker(build), "w")
        fcntl.flock(marker, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # Another process's clean-up may have taken the marker between open and lock.
        if _marker(build).exists() and os.path.samestat(os.fstat(marker.fileno()), os.stat(_marker(build))):
            break
        marker.close()
    _building[str(build)] = marker
    build.mkdir()
    return build


def discard_build(build):
    """A build that will not be swapped in (its rebuild failed or was interrupted)."""
    shutil.rmtree(build, ignore_errors=True)
    _finished(build)


def _marker(build):
    return Path(build).with_name(f".{Path(build).name}.building")


def _finished(build):
    marker = _building.pop(str(build), None)
    if marker is not None:
        _marker(build).unlink(missing_ok=True)
        marker.close()


def _being_written(build):
    """True while the process that started this build (any process) is still writing it."""
    if str(build) in _building:
        return True
    try:
        with open(_marker(build)) as marker:
            fcntl.flock(marker, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except FileNotFoundError:
        return False
    except BlockingIOError:
        return True
    return False


TEMPORARY = re.compile(r"^\..+\.tmp-(\d+)$")


def remove_abandoned_builds():
    """What a killed rebuild or write left behind: build folders nobody is writing any more
    (every build but the one readers get, which a process just started has no use for) and
    half-written temporary files in the current build. Run when the worker starts and before a
    rebuild; a build another process is still writing is left alone."""
    if not builds_dir().is_dir():
        return []
    removed = []
    with builds_locked():
        for entry in sorted(builds_dir().iterdir()):
            if entry.is_dir() and not _being_written(entry) and not _is_live(entry):
                _remove_build(entry)
                removed.append(entry)
            elif entry.name.endswith(".building") and not _being_written(entry.with_name(entry.name[1:-9])):
                entry.unlink(missing_ok=True)
        current = public_dir().resolve() if public_dir().is_symlink() else None
    # Temporary files are named by their writer's process, so these need no lock: a swap since
    # only means the build walked is now the previous one.
    if current is not None and current.is_dir():
        for folder, folders, files in os.walk(current):
            folders[:] = [name for name in folders if not name.startswith(".")]  # not ours (.well-known/)
            for name in files:
                found = TEMPORARY.match(name)
                if found and not _alive(int(found[1])):
                    Path(folder, name).unlink(missing_ok=True)
                    removed.append(Path(folder, name))
    return removed


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def switch_to(build):
    """Point PUBLIC_DIR at `build` in one atomic rename; keep the build before it for readers
    still mid-download, and remove older ones."""
    with builds_locked():
        _switch_to(build)


def _switch_to(build):
    link = public_dir()
    link.parent.mkdir(parents=True, exist_ok=True)
    temporary = link.with_name(f".{link.name}.switch-{os.getpid()}")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    previous = link.resolve() if link.is_symlink() else None
    os.symlink(os.path.relpath(build, link.parent), temporary)
    os.replace(temporary, link)
    _finished(build)
    # After the swap: a crash before it leaves the old build with its own address on record.
    record_published_address(settings.SITE_URL)
    keep = {Path(build).resolve(), previous}
    for old in sorted(builds_dir().iterdir()):
        # Another process's rebuild, still being written, is its to finish or to discard.
        if old.resolve() not in keep and old.is_dir() and not _being_written(old) and not _is_live(old):
            _remove_build(old)


def _remove_build(build):
    shutil.rmtree(build, ignore_errors=True)
    _marker(build).unlink(missing_ok=True)


def target(root, url):
    path = Path(root) / relative_file(url)
    if not path.resolve().is_relative_to(_resolved(str(root))):
        raise UnsafePath(f"{url!r} leads outside the output folder")
    return path


@functools.lru_cache(maxsize=8)
def _resolved(root):
    """The output folder with its links followed: a build folder, which is never moved."""
    return Path(root).resolve()


# Quality 6 compresses a 15 KB story in 0.8 ms to within 2% of quality 9's size, which takes 10 ms:
# at 9, Brotli cost more than rendering the page (bench/results/publishing.md).
BROTLI_QUALITY = 6
# Level 6, zlib's default: every change rewrites a dozen full-text feeds, which level 9 compresses
# markedly slower for hardly smaller files.
GZIP_LEVEL = 6


def write(root, url, content, previous=None):
    """Write the file for `url` and its compressed twins; returns False if they were already so.
    `previous`: the file's content, when the caller has just read it. An OSError (permissions, a
    full or read-only disk) leaves every file as it was: all are written aside before any is
    renamed into place."""
    path = target(root, url)
    if previous is None and path.is_file():
        previous = path.read_bytes()
    compressed = path.suffix in COMPRESSIBLE and len(content) >= MIN_COMPRESS_SIZE
    twins = _twins(path) if brotli is not None else _twins(path)[:1]
    if previous == content and (not compressed or all(twin.is_file() for twin in twins)):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    files = []
    if compressed:
        # mtime=0: the same page always gives the same bytes, so two rebuilds are identical.
        files.append((twins[0], gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)))
        if brotli is not None:
            files.append((twins[1], brotli.compress(content, quality=BROTLI_QUALITY)))
    files.append((path, content))
    _replace_all(files)
    if not compressed:
        for twin in _twins(path):
            twin.unlink(missing_ok=True)
    return True


def remove(root, url):
    """Remove the file for `url`; returns True if there was one."""
    path = target(root, url)
    existed = path.is_file()
    for file in (path, *_twins(path)):
        file.unlink(missing_ok=True)
    return existed


def _twins(path):
    return [path.with_name(path.name + ".gz"), path.with_name(path.name + ".br")]


def _replace_all(files):
    """Each (path, content) written beside its path, then all renamed into place: a reader gets
    the old file or the new one, and a failed write (a full disk) leaves no half file behind."""
    written = []
    try:
        for path, content in files:
            temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
            written.append((temporary, path))
            temporary.write_bytes(content)
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in written:
        os.replace(temporary, path)
