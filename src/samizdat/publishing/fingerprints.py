"""What a kept piece (kept_pieces.py) is made with besides its data, as one digest: a piece is
kept under it, so it never outlives the template, the code or the translation it was made with."""

import functools
import hashlib
import inspect
import re
from importlib.metadata import version
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.utils.translation import get_language

from .batch_cache import current_batch
from .plain_data import NotPlainData

_LOAD = re.compile(r"{%\s*load\s+(.+?)\s*%}")


def fingerprint(maker):
    """A digest of Django's and Wagtail's versions, the settings and language that go into links
    and dates, the compiled translations, and what `maker` names: a template (or a tuple of
    templates: one and those it renders other than by {% include %}), with the sources of those it
    extends and includes and of the tag libraries it loads; or a class, with the modules of the
    class and its bases. Worked out once a batch."""
    key = ("fingerprint", maker, get_language())
    memo = current_batch()
    if memo is None:
        return _fingerprint(maker)
    if key not in memo:
        memo[key] = _fingerprint(maker)
    return memo[key]


def _fingerprint(maker):
    digest = hashlib.sha256()
    digest.update(_installed_versions())
    for name in ("SITE_URL", "MEDIA_URL", "STATIC_URL", "LANGUAGE_CODE", "TIME_ZONE", "USE_TZ"):
        digest.update(repr(getattr(settings, name, None)).encode())
    digest.update(repr(get_language()).encode())
    digest.update(catalogues_digest(tuple(locale_folders())))
    if isinstance(maker, type):
        digest.update(_sources({inspect.getmodule(cls) for cls in maker.__mro__}))
    else:
        _template_sources(digest, [maker] if isinstance(maker, str) else list(maker))
    return digest.hexdigest()


@functools.cache
def _installed_versions():
    """Django's and Wagtail's versions, which a process runs with until it ends: importlib.metadata
    reads them from disk, half a millisecond each, for every kind of piece in every batch."""
    return b"".join(version(name).encode() for name in ("Django", "wagtail"))


def locale_folders():
    """Where Django looks for translations: LOCALE_PATHS and each installed app's locale/ folder."""
    folders = [Path(folder) for folder in settings.LOCALE_PATHS]
    return folders + [Path(config.path) / "locale" for config in apps.get_app_configs()]


@functools.cache
def catalogues_digest(folders):
    """A digest of the compiled catalogues (*.mo) in `folders`, each named by its place in its
    folder (de/LC_MESSAGES/django.mo). Read once per process, as Django reads the catalogues
    themselves: a new file on disk changes neither until the process restarts."""
    digest = hashlib.sha256()
    for folder in folders:
        for file in sorted(folder.glob("**/*.mo")) if folder.is_dir() else ():
            digest.update(file.relative_to(folder).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.digest()


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
