"""A memo for pieces of pages that many pages repeat (a story's full text in a dozen feeds), kept
only while one batch of pages is rendered: nothing outlives the batch, so nothing goes stale.

    with render_cache():
        ... render many pages ...          # memoized(key, compute) computes each key once
"""

import functools
import hashlib
from contextlib import contextmanager
from contextvars import ContextVar
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.core.cache import caches

_active = ContextVar("samizdat_render_cache", default=None)


@contextmanager
def render_cache():
    if _active.get() is not None:  # already inside a batch: share its memo
        yield
        return
    token = _active.set({})
    try:
        yield
    finally:
        _active.reset(token)


def memoized(key, compute):
    memo = _active.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def kept(key, compute):
    """memoized(), and also kept from one publishing batch to the next in the "render" cache, which
    lives on disk: every process of a rebuild, and a worker started after it, renders each teaser
    once. Only for pieces whose key names everything they show: a stale piece is never looked up
    again, it just ages out. The code that renders them is part of every key (code_version())."""
    if not in_batch():
        return compute()

    def from_cache():
        name = "piece:" + hashlib.sha256(repr((code_version(), key)).encode()).hexdigest()
        value = caches["render"].get(name)
        if value is None:
            value = compute()
            caches["render"].set(name, value, None)
        return value

    return memoized(key, from_cache)


@functools.cache
def code_version():
    """What kept pieces look like beyond their content: samizdat's code and templates, the versions
    of Django and Wagtail, and the settings that go into links and dates. A deploy that changes
    any of them starts from fresh pieces."""
    digest = hashlib.sha256()
    for name in ("Django", "wagtail"):
        digest.update(version(name).encode())
    for name in ("SITE_URL", "MEDIA_URL", "STATIC_URL", "LANGUAGE_CODE", "TIME_ZONE"):
        digest.update(repr(getattr(settings, name, None)).encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".html", ".xml", ".txt") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def forget_kept_pieces():
    """For a full rebuild, which trusts nothing made before it (a purged rendition, say)."""
    caches["render"].clear()


def in_batch():
    """Whether pages are being rendered in a batch: worth building lookups that many pages share."""
    return _active.get() is not None


def memoized_many(kind, ids, fetch):
    """memoized() for several objects at once: `fetch(ids)` returns {id: object} and is asked only
    for the ids not seen yet in this batch. Returns {id: object} for the ids that exist."""
    memo = _active.get()
    if memo is None:
        return fetch(list(ids))
    missing = [pk for pk in ids if (kind, pk) not in memo]
    if missing:
        found = fetch(missing)
        for pk in missing:
            memo[(kind, pk)] = found.get(pk)
    return {pk: memo[(kind, pk)] for pk in ids if memo[(kind, pk)] is not None}


def keep_render_cache_for_this_process():
    """For a process that only renders one batch and then exits (a full rebuild's worker)."""
    if _active.get() is None:
        _active.set({})
