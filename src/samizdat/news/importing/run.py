"""Importing a folder of Markdown files, one transaction per file, with a line of report for each."""

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from wagtail.models import Site

from ..models import HomePage
from .fields import Rejected
from .source import read_article
from .writer import CREATED, UNCHANGED, UPDATED, save_article

logger = logging.getLogger(__name__)
REJECTED = "rejected"


class CannotImport(Exception):
    """The import can't start at all (no such folder, no home page)."""


@dataclass
class FileResult:
    name: str
    status: str
    reason: str = ""
    page: object = None
    ignored_fields: list = field(default_factory=list)

    def line(self):
        if self.status == REJECTED:
            return f"{self.name}: rejected: {self.reason}"
        if self.ignored_fields:
            return f"{self.name}: {self.status} (ignored unknown fields: {', '.join(self.ignored_fields)})"
        return f"{self.name}: {self.status}"


@dataclass
class ImportReport:
    results: list = field(default_factory=list)

    def _with(self, status):
        return [result for result in self.results if result.status == status]

    @property
    def created(self):
        return self._with(CREATED)

    @property
    def updated(self):
        return self._with(UPDATED)

    @property
    def unchanged(self):
        return self._with(UNCHANGED)

    @property
    def rejected(self):
        return self._with(REJECTED)

    def summary(self):
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.rejected)} rejected"
        )


def markdown_files(root):
    """The .md files below `root` in a stable order, leaving out hidden ones and Hugo's _index.md."""
    found = []
    for path in root.rglob("*.md"):
        relative = path.relative_to(root)
        if not path.is_file() or path.name.startswith("_"):
            continue
        if any(part.startswith(".") for part in relative.parts):
            continue
        found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def import_directory(path):
    """Import every article file below `path` (or the one file `path` names); an ImportReport."""
    path = Path(path).expanduser()
    if path.is_file() and path.suffix == ".md":
        root, files = path.parent, [path]
    elif path.is_dir():
        root, files = path, markdown_files(path)
    elif path.exists():
        raise CannotImport(f"{path} is neither a folder nor a .md file")
    else:
        raise CannotImport(f"{path} does not exist")
    home = home_page()
    report, slugs_seen = ImportReport(), {}
    for file in files:
        report.results.append(import_file(file, root, home=home, slugs_seen=slugs_seen))
    return report


def home_page():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    home = HomePage.objects.first()
    if home is None:
        raise CannotImport("there is no home page to import into; run `samizdat migrate` first")
    return home


def import_file(path, root, *, home=None, slugs_seen=None):
    """Import one Markdown file; returns its FileResult. A rejected file leaves nothing behind.

    `slugs_seen` maps slug -> file name across one run, so two files can't claim one article.
    """
    path, root = Path(path), Path(root)
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    slugs_seen = {} if slugs_seen is None else slugs_seen
    created_files = []
    try:
        source = read_article(path, root)
        if source.slug in slugs_seen:
            raise Rejected(
                "slug", f'"{source.slug}" is also the slug of {slugs_seen[source.slug]} in this import'
            )
        slugs_seen[source.slug] = name
        with transaction.atomic():
            status, page = save_article(source, home or home_page(), created_files)
    except Rejected as error:
        _remove(created_files)
        return FileResult(name, REJECTED, str(error))
    except ValidationError as error:
        _remove(created_files)
        return FileResult(name, REJECTED, _validation_message(error))
    except Exception as error:
        # One broken file must not stop a newsroom's import of hundreds; the traceback goes to the
        # log for us, the line in the report to the person importing.
        _remove(created_files)
        logger.exception("Importing %s failed", name)
        return FileResult(name, REJECTED, f"file: could not be saved ({type(error).__name__}: {error})")
    return FileResult(name, status, page=page, ignored_fields=source.ignored_fields)


@contextmanager
def quiet_wagtail_log():
    """Wagtail logs three INFO lines per page saved; the import's own report says it in one."""
    wagtail_logger = logging.getLogger("wagtail")
    level = wagtail_logger.level
    wagtail_logger.setLevel(max(logging.WARNING, level))
    try:
        yield
    finally:
        wagtail_logger.setLevel(level)


def _remove(stored_files):
    """Image files saved before the transaction was rolled back would otherwise be orphans."""
    for name in stored_files:
        default_storage.delete(name)


def _validation_message(error):
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return f"page: {' '.join(error.messages)}"
