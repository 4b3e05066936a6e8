"""Kept pieces, as Django's cache alias "pieces" (settings.CACHES): a teaser, a story's feed text,
a feed item's XML, rendered once and kept from one publishing batch to the next, on disk, so every
process of a rebuild, and a worker started after it, makes each piece once.

A key is `(maker, data)`: `maker` is what makes the piece, a template name (or a tuple of them: the
template and those it renders other than by {% include %}, a StreamField's blocks') or a class
(its code); `data` is all it is made from, plain (str, numbers, dates, and tuples, lists and dicts
of them). The key actually stored is derived from both (fingerprints.fingerprint(maker) and
plain_data.plain_key(data)), never typed by hand, so a piece can't outlive what made it. The
active language is part of it too (derived here, as in batch_cache), so a teaser made for one
edition is never served in another, from the batch's memo or from disk.

    caches["pieces"].get_or_set((TEMPLATE, data), lambda: render_to_string(TEMPLATE, data))

Outside a batch (a preview, a page Django serves) it keeps nothing, and get_or_set always makes
the piece afresh. Data that is not plain raises plain_data.NotPlainData, in a batch or not.
"""

import hashlib

from diskcache import DjangoCache
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.utils.translation import get_language

from .batch_cache import current_batch
from .fingerprints import fingerprint
from .plain_data import plain_key

_MISSING = object()


class KeptPieces(BaseCache):
    """Pieces in the on-disk store (diskcache's DjangoCache at LOCATION, with its SHARDS and
    OPTIONS), with the batch's memo in front. Timeouts are ignored: a piece is kept until the
    store's size limit culls it or a full rebuild clears it."""

    def __init__(self, location, params):
        super().__init__(params)
        self.location, self.params = location, params
        self.opened = None

    @property
    def store(self):
        """Opened on first use in a batch: a page Django serves keeps nothing, so opens nothing."""
        if self.opened is None:
            self.opened = DjangoCache(self.location, self.params)
        return self.opened

    def make_key(self, key, version=None):
        maker, data = key
        return ("kept", maker, plain_key(data), get_language())

    def validate_key(self, key):
        pass  # make_key() refuses data it can't name (NotPlainData)

    def stored_name(self, kept_key):
        _, maker, data_key, _language = kept_key  # fingerprint() holds the active language
        return "piece:" + hashlib.sha256(fingerprint(maker).encode() + b"\0" + data_key).hexdigest()

    def get(self, key, default=None, version=None):
        kept_key = self.make_key(key)
        memo = current_batch()
        if memo is None:
            return default
        value = memo.get(kept_key, _MISSING)
        if value is _MISSING:
            value = self.store.get(self.stored_name(kept_key), _MISSING)
            if value is _MISSING:
                return default
            memo[kept_key] = value
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        kept_key = self.make_key(key)
        memo = current_batch()
        if memo is None:
            return False
        memo[kept_key] = value
        self.store.set(self.stored_name(kept_key), value, None)
        return True

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key):
            return False
        return self.set(key, value)

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        # The data named once, not by each of BaseCache's get, add and get.
        kept_key = self.make_key(key)
        memo = current_batch()
        if memo is None:
            return default() if callable(default) else default
        value = memo.get(kept_key, _MISSING)
        if value is _MISSING:
            name = self.stored_name(kept_key)
            value = self.store.get(name, _MISSING)
            if value is _MISSING:
                value = default() if callable(default) else default
                self.store.set(name, value, None)
            memo[kept_key] = value
        return value

    def has_key(self, key, version=None):
        return self.get(key, _MISSING) is not _MISSING

    def delete(self, key, version=None):
        kept_key = self.make_key(key)
        memo = current_batch()
        if memo is None:
            return False
        memo.pop(kept_key, None)
        return self.store.delete(self.stored_name(kept_key))

    def clear(self):
        """Every piece forgotten, on disk and in the batch: for a full rebuild, which trusts nothing
        made before it (a purged rendition, say), and a restored backup."""
        self.store.clear()
        memo = current_batch()
        if memo is not None:
            for key in [key for key in memo if isinstance(key, tuple) and key[:1] == ("kept",)]:
                del memo[key]

    def close(self, **kwargs):
        if self.opened is not None:
            self.opened.close(**kwargs)
