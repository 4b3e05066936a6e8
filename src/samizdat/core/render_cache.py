"""A memo for pieces of pages that many pages repeat (a story's full text in a dozen feeds), kept
only while one batch of pages is rendered: nothing outlives the batch, so nothing goes stale.

    with render_cache():
        ... render many pages ...          # memoized(key, compute) computes each key once
"""

import datetime
import functools
import hashlib
import inspect
import io
import pickle
import re
import types
from decimal import Decimal
from contextlib import contextmanager
from contextvars import ContextVar
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.template.loader import get_template, render_to_string
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.utils.translation import get_language

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


def memoized_already(key):
    """Whether `key` was memoized in this batch."""
    memo = _active.get()
    return memo is not None and key in memo


def kept_render(template_name, data, also=()):
    """The template rendered from `data`, and, while publishing, kept from one batch to the next
    (kept()) under the template's source with everything it extends, includes and loads (read
    through Django's template loaders) and `data` itself. So `data` must be plain (str, numbers,
    dates, None, and tuples, lists and dicts of them), all the template may read: a model instance
    or a queryset could show fields the key knows nothing of, and is refused. No request either:
    context processors would be read too. `also`: templates it renders other than by {% include %}
    and {% extends %} (a StreamField's blocks')."""
    return kept(("template", template_name, *also), data, lambda: render_to_string(template_name, data))


def kept(maker, data, compute):
    """compute(), which makes something from the plain `data` alone, and, while publishing, kept
    from one batch to the next in the "render" cache, which lives on disk: every process of a
    rebuild, and a worker started after it, makes each piece once. `maker` is ("template", name)
    or ("code", class): its fingerprint (the template's sources, the class's modules) and `data`
    are the key, so a piece never outlives what it was made from."""
    key = plain_key(data)
    if not in_batch():
        return compute()

    def from_cache():
        name = "piece:" + hashlib.sha256(fingerprint(maker).encode() + b"\0" + key).hexdigest()
        value = caches["render"].get(name)
        if value is None:
            value = compute()
            caches["render"].set(name, value, None)
        return value

    return memoized(("kept", maker, key), from_cache)


class NotPlainData(TypeError):
    pass


PLAIN_TYPES = (str, int, float, bool, type(None), datetime.date, datetime.time, datetime.timedelta, Decimal)
# What pickling the plain types above refers to besides them: their time zones, and the classes
# and functions that rebuild them (a tuple's subclass is pickled as a tuple).
REBUILT_WITH = (*PLAIN_TYPES, datetime.tzinfo, tuple, list, dict)


class PlainPickler(pickle.Pickler):
    """Pickles plain data only, refusing anything else on the way: pickle's own walk, in C, which
    costs a fifteenth of a walk in Python (a story's full text is keyed by its whole body)."""

    def reducer_override(self, obj):
        if isinstance(obj, (*PLAIN_TYPES, datetime.tzinfo)) or isinstance(obj, types.BuiltinFunctionType):
            return NotImplemented
        if isinstance(obj, type) and issubclass(obj, REBUILT_WITH):
            return NotImplemented
        for base in (tuple, list, dict):
            if isinstance(obj, base):  # a NamedTuple: the key is its items, as a tuple's
                return base, (base(obj),)
        raise NotPlainData(
            f"{type(obj).__module__}.{type(obj).__qualname__} in the data: a kept template is rendered "
            "from plain data only (str, numbers, dates, tuples, lists, dicts), which its key is made of"
        )


def plain_key(value):
    """Bytes that name `value` and every type in it (a SafeString renders unlike a str), or
    NotPlainData if anything in it is not plain. Equal data built the same way gives equal bytes;
    anything else is at worst a piece made once more, never an old one shown."""
    out = io.BytesIO()
    PlainPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


_LOAD = re.compile(r"{%\s*load\s+(.+?)\s*%}")


def fingerprint(maker):
    """A digest of what a piece is made with besides its data: Django's and Wagtail's versions,
    the settings and language that go into links and dates, and ("template", name) the template's
    source with the sources of those it extends and includes and of the tag libraries it loads,
    or ("code", cls) the modules of the class and its bases. Worked out once a batch."""
    return memoized(("fingerprint", maker, get_language()), lambda: _fingerprint(*maker))


def _fingerprint(kind, what, *also):
    digest = hashlib.sha256()
    digest.update(_installed_versions())
    for name in ("SITE_URL", "MEDIA_URL", "STATIC_URL", "LANGUAGE_CODE", "TIME_ZONE", "USE_TZ"):
        digest.update(repr(getattr(settings, name, None)).encode())
    digest.update(repr(get_language()).encode())
    if kind == "code":
        modules = {inspect.getmodule(cls) for cls in what.__mro__}
        digest.update(_sources(modules))
    else:
        _template_sources(digest, [what, *also])
    return digest.hexdigest()


@functools.cache
def _installed_versions():
    """Django's and Wagtail's versions, which a process runs with until it ends: importlib.metadata
    reads them from disk, half a millisecond each, for every kind of piece in every batch."""
    return b"".join(version(name).encode() for name in ("Django", "wagtail"))


def _template_sources(digest, template_names):
    """Adds the sources of the templates and of those they extend, include and load; a template
    that names what it includes through a variable can't be kept."""
    seen, waiting = set(), list(template_names)
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        template = get_template(name).template
        digest.update(name.encode() + b"\0" + template.source.encode() + b"\0")
        for library in _libraries_loaded(template):
            digest.update(library.encode() + b"\0" + _library_source(template.engine, library) + b"\0")
        for node in template.nodelist.get_nodes_by_type(ExtendsNode):
            waiting.append(_constant(node.parent_name, name))
        for node in template.nodelist.get_nodes_by_type(IncludeNode):
            waiting.append(_constant(node.template, name))


def _constant(expression, template_name):
    if not isinstance(expression.var, str):
        raise NotPlainData(f"{template_name} extends or includes a template named by a variable: it can't be kept")
    return expression.var


def _libraries_loaded(template):
    for match in _LOAD.finditer(template.source):
        words = match.group(1).split()
        yield from words[-1:] if "from" in words else words


def _library_source(engine, name):
    """The source of the modules that define a tag library's tags and filters."""
    library = engine.template_libraries.get(name)
    if library is None:
        return b""
    return _sources({inspect.getmodule(func) for func in [*library.tags.values(), *library.filters.values()]})


def _sources(modules):
    files = sorted(module.__file__ for module in modules if getattr(module, "__file__", None))
    return b"".join(file.encode() + b"\0" + _module_source(file) for file in files)


@functools.cache
def _module_source(file):
    """A loaded module's source: the code this process runs, which a new file on disk does not
    change until it restarts."""
    return Path(file).read_bytes()


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
