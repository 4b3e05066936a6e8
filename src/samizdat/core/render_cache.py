"""A memo for pieces of pages that many pages repeat (a story's full text in a dozen feeds), kept
only while one batch of pages is rendered: nothing outlives the batch, so nothing goes stale.

    with render_cache():
        ... render many pages ...          # memoized(key, compute) computes each key once
"""

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import caches

_active = ContextVar("samizdat_render_cache", default=None)
_new_pieces = None  # in a process that renders for another: the pieces it made, to hand back


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
    """memoized(), and also kept from one publishing batch to the next in the "render" cache, so a
    worker publishing story after story renders each teaser once. Only for pieces whose key names
    everything they show: a stale piece is never looked up again, it just ages out."""
    if not in_batch():
        return compute()

    def from_cache():
        name = "piece:" + hashlib.sha256(repr(key).encode()).hexdigest()
        value = caches["render"].get(name)
        if value is None:
            value = compute()
            caches["render"].set(name, value, None)
            if _new_pieces is not None:
                _new_pieces[name] = value
        return value

    return memoized(key, from_cache)


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


def record_new_pieces():
    """In a forked process rendering part of a change: note the pieces kept() makes, so they can
    be handed back (new_pieces()) and kept by the long-lived process (keep_pieces())."""
    global _new_pieces
    _new_pieces = {}


def new_pieces():
    return dict(_new_pieces or {})


def keep_pieces(pieces):
    if pieces:
        caches["render"].set_many(pieces, None)
