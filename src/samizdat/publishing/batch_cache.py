"""The publisher's batch memo, as Django's cache alias "batch" (settings.CACHES): what many pages of
one batch repeat (the site's sections, a listing's count, a story's teaser data) is worked out once
per batch, and nothing outlives the batch, so nothing goes stale.

    with batch():
        ... render many pages ...   # caches["batch"].get_or_set(key, compute) computes each key once

Outside a batch (a preview, a page Django serves) the cache keeps nothing: `get` answers the
default, `add` and `set` do nothing, so `get_or_set` computes every time and the page is fresh.

One batch renders every edition (/x/ and /ru/x/): each key is kept under the active language,
added here rather than by each caller, so a memo worked out for one edition (its sections, its
front page's stories, its Locale) is never handed to another.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.utils.translation import get_language

_current = ContextVar("samizdat_publishing_batch", default=None)
_MISSING = object()


@contextmanager
def batch():
    """One publishing batch: its memo lives as long as the outermost batch() (a batch opened inside
    another shares its memo)."""
    if _current.get() is not None:
        yield
        return
    token = _current.set({})
    try:
        yield
    finally:
        _current.reset(token)


def current_batch():
    """The memo of the batch being rendered, a dict, or None outside a batch."""
    return _current.get()


def keep_batch_for_this_process():
    """For a process that only renders one batch and then exits (a full rebuild's worker): what it
    works out for one chunk of pages serves the next."""
    if _current.get() is None:
        _current.set({})


class BatchCache(BaseCache):
    """A Django cache backend whose entries live in the current publishing batch.

    Keys are used as they are, hashable values such as ("read-more-of", 12, 4), not formatted into
    strings: a batch asks for thousands of them, and a string per key would cost more than the
    dict lookup it stands for. Values are kept as they are, not pickled: a batch's pages share
    the very objects (a section, the story index). Timeouts and versions are ignored: the batch
    is the lifetime."""

    def __init__(self, location, params):
        super().__init__(params)

    def make_key(self, key, version=None):
        """The key as kept: the caller's, in the active language."""
        return (get_language(), key)

    def validate_key(self, key):
        hash(key)  # a TypeError for a key a dict can't hold, as soon as it is used

    def get(self, key, default=None, version=None):
        memo = _current.get()
        return default if memo is None else memo.get(self.make_key(key), default)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        memo = _current.get()
        key = self.make_key(key)
        if memo is None or key in memo:
            return False
        memo[key] = value
        return True

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        memo = _current.get()
        if memo is not None:
            memo[self.make_key(key)] = value
        return memo is not None

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        # One lookup rather than BaseCache's get, add and get: a batch asks this a million times.
        memo = _current.get()
        if memo is None:
            return default() if callable(default) else default
        key = self.make_key(key)
        value = memo.get(key, _MISSING)
        if value is _MISSING:
            value = memo[key] = default() if callable(default) else default
        return value

    def has_key(self, key, version=None):
        memo = _current.get()
        return memo is not None and self.make_key(key) in memo

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self.has_key(key)

    def delete(self, key, version=None):
        memo = _current.get()
        return memo is not None and memo.pop(self.make_key(key), _MISSING) is not _MISSING

    def get_many(self, keys, version=None):
        memo = _current.get()
        if memo is None:
            return {}
        language = get_language()
        return {key: memo[(language, key)] for key in keys if (language, key) in memo}

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        memo = _current.get()
        if memo is not None:
            language = get_language()
            memo.update({(language, key): value for key, value in data.items()})
        return []

    def clear(self):
        memo = _current.get()
        if memo is not None:
            memo.clear()
