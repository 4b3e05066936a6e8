"""The output folder: where each address's file lives, written atomically, with compressed twins.

`PUBLIC_DIR` is a symbolic link to one complete build in `<PUBLIC_DIR>-builds/`; a full rebuild
writes a new build and swaps the link in one rename, so readers never see half a site.
"""

import functools
import gzip
import os
import shutil
import unicodedata
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.utils import timezone

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
    build = new_build_dir()
    if link.exists() and not link.is_symlink():  # a plain folder from elsewhere: adopt it
        os.replace(link, build)
    switch_to(build)
    return build


def new_build_dir():
    builds_dir().mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
    build = builds_dir() / stamp
    build.mkdir()
    return build


def switch_to(build):
    """Point PUBLIC_DIR at `build` in one atomic rename; keep the build before it for readers
    still mid-download, and remove older ones."""
    link = public_dir()
    link.parent.mkdir(parents=True, exist_ok=True)
    temporary = link.with_name(f".{link.name}.switch-{os.getpid()}")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    previous = link.resolve() if link.is_symlink() else None
    os.symlink(os.path.relpath(build, link.parent), temporary)
    os.replace(temporary, link)
    keep = {Path(build).resolve(), previous}
    for old in builds_dir().iterdir():
        if old.resolve() not in keep and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


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
    """Write the file for `url` and its compressed twins; returns False if it was already so.
    `previous`: the file's content, when the caller has just read it."""
    path = target(root, url)
    if previous is None and path.is_file():
        previous = path.read_bytes()
    if previous == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    compressed = path.suffix in COMPRESSIBLE and len(content) >= MIN_COMPRESS_SIZE
    if compressed:
        # mtime=0: the same page always gives the same bytes, so two rebuilds are identical.
        _replace(path.with_name(path.name + ".gz"), gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0))
        if brotli is not None:
            _replace(path.with_name(path.name + ".br"), brotli.compress(content, quality=BROTLI_QUALITY))
    else:
        for twin in _twins(path):
            twin.unlink(missing_ok=True)
    _replace(path, content)
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


def _replace(path, content):
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temporary.write_bytes(content)
    os.replace(temporary, path)
