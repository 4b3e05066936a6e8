"""Importing articles from Markdown files with YAML front matter (docs/import-format.md)."""

from .fields import Rejected  # noqa: F401
from .run import CannotImport, FileResult, ImportReport, import_directory, import_file  # noqa: F401
