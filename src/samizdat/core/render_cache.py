"""A memo for pieces of pages that many pages repeat (a story's full text in a dozen feeds), kept
only while one batch of pages is rendered: nothing outlives the batch, so nothing goes stale.

    with render_cache():
        ... render many pages ...          # memoized(key, compute) computes each key once
"""

from contextlib import contextmanager
from contextvars import ContextVar

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


def keep_render_cache_for_this_process():
    """For a process that only renders one batch and then exits (a full rebuild's worker)."""
    if _active.get() is None:
        _active.set({})
