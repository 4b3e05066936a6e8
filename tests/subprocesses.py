"""What tests that run samizdat as real processes share (a killed worker, a killed sender)."""

import sqlite3
import sys
from pathlib import Path

from django.db import connection

SAMIZDAT = str(Path(sys.executable).with_name("samizdat"))


def database_for_subprocess(tmp_path):
    """The test's database as another process will see it: PostgreSQL's test database itself, or
    for SQLite (in memory) a file copy made with SQLite's backup API."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "site.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    return f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
