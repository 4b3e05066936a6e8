"""Wagtail's database search, in the language of what is searched (WAGTAILSEARCH_BACKENDS names
the module for the database in use; docs/search.md).

Each object is indexed in its locale's language; each query is read in the language active when it
was made, and in the site's other languages too (any may match; the reader's search filters to its
edition):
- PostgreSQL (`postgres.py`): with that language's text-search configuration.
- SQLite (`sqlite.py`, FTS5): with the language's Snowball stemmer, run in Python (`language.py`).
Autocomplete (prefix matches on names in the admin) is left unstemmed on both, as Wagtail does.
"""
