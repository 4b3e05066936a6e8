"""The database part of a backup: a consistent copy taken while the site runs, and putting one back.

SQLite is copied with its online backup API, which reads a snapshot without stopping the web server
or the worker (in WAL mode they keep writing meanwhile). PostgreSQL is dumped with pg_dump in its
custom format, which pg_restore loads in one transaction: a restore that fails changes nothing.
"""

import gzip
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone


class DatabaseError(Exception):
    """Something went wrong with the database, in words for the person running the command."""


SQLITE, POSTGRESQL = "sqlite", "postgresql"
DUMP_NAMES = {SQLITE: "database.sqlite3.gz", POSTGRESQL: "database.pgdump"}
ENGINE_NAMES = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}


def engine():
    configured = settings.DATABASES["default"]["ENGINE"]
    if configured == "django.db.backends.sqlite3":
        return SQLITE
    if configured == "django.db.backends.postgresql":
        return POSTGRESQL
    raise DatabaseError(f"Backups work with SQLite and PostgreSQL; this site's database is {configured}.")


def sqlite_path():
    return Path(settings.DATABASES["default"]["NAME"])


def dump(destination):
    """Write a copy of the site's database to `destination`."""
    if engine() == SQLITE:
        _copy_sqlite(destination)
    else:
        _pg_dump(destination)


def _copy_sqlite(destination):
    path = sqlite_path()
    if not path.is_file():
        raise DatabaseError(f"There is no database at {path} to back up. Is SAMIZDAT_VAR_DIR the site's folder?")
    copied = Path(f"{destination}.copy")
    source = sqlite3.connect(path, timeout=20)
    copy = sqlite3.connect(copied)
    try:
        # One step: a copy made in several steps starts again whenever the worker writes, and may
        # never finish on a busy site. WAL lets writers carry on while this reads.
        source.backup(copy)
    except sqlite3.Error as error:
        raise DatabaseError(f"Could not read the database {path}: {error}.") from None
    finally:
        copy.close()
        source.close()
    # Pages of text and indexes: a fraction of the size compressed (pg_dump's format already is).
    with open(copied, "rb") as plain, gzip.open(destination, "wb", compresslevel=6) as packed:
        shutil.copyfileobj(plain, packed, 1 << 20)
    copied.unlink()


def _pg_dump(destination):
    _run_pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={destination}", f"--dbname={_database_name()}")


def has_tables():
    """How many tables the site's database has: 0 on a fresh install (or a fresh PostgreSQL database)."""
    if engine() == SQLITE:
        path = sqlite_path()
        if not path.exists() or path.stat().st_size == 0:
            return 0
        # Plain sqlite3, not Django: Django would create the file, and keep it open for the swap.
        with closing(sqlite3.connect(path, timeout=20)) as db:
            try:
                return db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            except sqlite3.DatabaseError:
                return 1  # not a database we can read: certainly not one to overwrite silently
    try:
        with connections["default"].cursor() as cursor:
            return len(connections["default"].introspection.table_names(cursor))
    except Exception as error:  # psycopg's errors name the server, not the fix; say both
        raise DatabaseError(f"Could not connect to the PostgreSQL database ({error}).".replace("\n", " ")) from None
    finally:
        connections["default"].close()


def load(dump_file, replace=False):
    """Put the dumped database in place of the site's. `replace`: the site already has tables.
    Returns where a replaced SQLite file was kept."""
    connections.close_all()
    if engine() == SQLITE:
        return _swap_sqlite(dump_file, replace)
    else:
        options = ["--clean", "--if-exists"] if replace else []
        _run_pg(
            "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
            *options, f"--dbname={_database_name()}", str(dump_file),
        )
        return []


def _swap_sqlite(dump_file, replace):
    path = sqlite_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(path.name + ".restoring")
    try:
        with gzip.open(dump_file, "rb") as packed, open(staged, "wb") as plain:
            shutil.copyfileobj(packed, plain, 1 << 20)
        with closing(sqlite3.connect(staged)) as db:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
    except (sqlite3.DatabaseError, gzip.BadGzipFile, EOFError):
        result = "not a database"
    if result != "ok":
        staged.unlink(missing_ok=True)
        raise DatabaseError("The database in this backup is damaged.")
    kept = []
    if replace and path.exists():
        kept_as = aside(path)
        kept.append(path.replace(kept_as))
        # Its write-ahead log goes with it: it may hold the last changes, not yet in the file.
        for suffix in ("-wal", "-shm"):
            if Path(f"{path}{suffix}").exists():
                Path(f"{path}{suffix}").replace(f"{kept_as}{suffix}")
    # A log left beside the restored file would be replayed into it, and corrupt it.
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    staged.replace(path)
    return kept


def aside(path):
    """Where a replaced file or folder is kept: next to it, named with the time it was replaced."""
    return path.with_name(f"{path.name}.before-restore-{timezone.now():%Y%m%d-%H%M%S}")


def _database_name():
    return settings.DATABASES["default"]["NAME"]


def _run_pg(program, *arguments):
    executable = shutil.which(program)
    if executable is None:
        raise DatabaseError(
            f"{program} was not found. Install PostgreSQL's client programs (on Debian: apt install postgresql-client) "
            "in the version of your server, or newer."
        )
    result = subprocess.run([executable, *arguments], env=_pg_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        said = result.stderr.strip().splitlines()
        raise DatabaseError(f"{program} failed: {said[-1] if said else 'no message'}")


def _pg_environment():
    """Connection details as libpq's variables: a password on a command line is visible to every
    user of the machine in the process list."""
    database = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, variable in (("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if database.get(key):
            env[variable] = str(database[key])
    for option, variable in (
        ("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"), ("passfile", "PGPASSFILE"), ("service", "PGSERVICE"),
    ):
        if database.get("OPTIONS", {}).get(option):
            env[variable] = str(database["OPTIONS"][option])
    return env

