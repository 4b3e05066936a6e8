"""What tests that run samizdat as real processes share (a killed worker, a killed sender)."""

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
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


class MigratedDatabase:
    """A SQLite database as `samizdat migrate` leaves a new site's, made once for the test run and
    copied into each site's var/: its 229 migrations cost about 15 s of CPU a site. The tests still
    run `samizdat migrate` on the copy, as an operator would, which then has nothing left to apply."""

    def __init__(self, folder):
        self.folder, self.made = folder, None

    def copy_to(self, var):
        """Put a migrated database where the site in `var` (its SAMIZDAT_VAR_DIR) looks for it."""
        if self.made is None:
            env = dict(os.environ, SAMIZDAT_VAR_DIR=str(self.folder))
            env.pop("DATABASE_URL", None)
            subprocess.run([SAMIZDAT, "migrate", "--noinput", "-v0"], env=env, check=True, capture_output=True)
            self.made = self.folder / "samizdat.sqlite3"
        var = Path(var)
        var.mkdir(parents=True, exist_ok=True)
        # SQLite's backup API rather than a file copy: it also takes what is still in the -wal file.
        with closing(sqlite3.connect(self.made)) as source, closing(sqlite3.connect(var / "samizdat.sqlite3")) as target:
            source.backup(target)
        return var
