"""Wagtail's database search, in the language of what is searched (WAGTAILSEARCH_BACKENDS).

Each object is indexed in its locale's language and each query is read in the active language:
- PostgreSQL: with that language's text-search configuration (search_postgres.py).
- SQLite (FTS5): with the language's Snowball stemmer, in Python (search_sqlite.py).
Autocomplete (prefix matches on names in the admin) is left unstemmed on both, as Wagtail does.
"""

from django.db import connection
from modelsearch.backends import database
from modelsearch.backends.database.fallback import DatabaseSearchBackend


def SearchBackend(params):  # noqa: N802 (Wagtail looks a backend module's `SearchBackend` up by name)
    """The backend for the default database, as Wagtail's `database` backend chooses it.

    Each database's module is imported only when that database is in use, as Wagtail does: the
    SQLite one looks up a model that exists only on SQLite, the PostgreSQL one needs psycopg."""
    if connection.vendor == "postgresql":
        from .search_postgres import LanguagePostgresSearchBackend

        return LanguagePostgresSearchBackend(params)
    backend = database.SearchBackend(params)
    if connection.vendor == "sqlite" and not isinstance(backend, DatabaseSearchBackend):  # FTS5 is there
        from .search_sqlite import StemmedSQLiteSearchBackend

        return StemmedSQLiteSearchBackend(params)
    return backend
