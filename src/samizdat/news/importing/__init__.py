"""Importing articles from Markdown files with YAML front matter (docs/import-format.md)."""

from .fields import Rejected  # noqa: F401
from .run import (  # noqa: F401
    CannotImport,
    FileResult,
    ImportReport,
    home_page,
    import_directory,
    import_file,
    quiet_wagtail_log,
)
