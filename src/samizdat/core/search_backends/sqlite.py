"""Wagtail's SQLite search (FTS5) with word forms: FTS5 has no stemmer but English "porter", and
Python's sqlite3 cannot add one, so words are cut to their Snowball stems in Python before they are
written to the index, and again in every query (language.py)."""

import operator
from functools import reduce

from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteAutocompleteQueryCompiler,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.query import Phrase, PlainText
from modelsearch.utils import get_content_type_pk
from wagtail.models import Locale

from .language import active_language, language_of, query_languages, reworded, snowball_algorithm, stem_text


class StemmedSQLiteIndex(SQLiteIndex):
    def add_items(self, model, objs):
        """Index the objects as Wagtail does, then stem the title and body just written.

        Wagtail's SQLite index builds its rows with no hook for the text before it is written, so
        the rows are rewritten in one bulk update (the FTS5 table follows through Wagtail's
        triggers); the autocomplete column keeps whole words for prefix matching."""
        objs = list(objs)
        super().add_items(model, objs)
        if not objs or not model.get_search_fields():
            return
        languages_by_locale = dict(Locale.objects.values_list("id", "language_code"))
        algorithms = {str(obj.pk): snowball_algorithm(language_of(obj, languages_by_locale)) for obj in objs}
        entries = list(
            self.entries.filter(content_type_id=get_content_type_pk(model), object_id__in=algorithms).only(
                "id", "object_id", "title", "body"
            )
        )
        for entry in entries:
            algorithm = algorithms[entry.object_id]
            entry.title = stem_text(entry.title, algorithm)
            entry.body = stem_text(entry.body, algorithm)
        self.entries.bulk_update(entries, ["title", "body"], batch_size=500)


class StemmedSQLiteQueryCompiler(SQLiteSearchQueryCompiler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read now: results are fetched lazily, perhaps once another language is active.
        languages = query_languages(active_language())
        self.algorithms = list(dict.fromkeys(snowball_algorithm(language) for language in languages))

    def build_search_query_content(self, query, config=None):
        """Plain and phrase queries stemmed like the index, once per language the query is read in,
        any of them matching. And, Or and Not come back here for their parts."""
        if not isinstance(query, (PlainText, Phrase)):
            return super().build_search_query_content(query, config=config)
        build = super().build_search_query_content
        # Wagtail puts each word between double quotes in FTS5's query syntax without doubling the
        # quotes inside it, so a '"' typed into the admin's search was an error (a 500).
        texts = dict.fromkeys(
            stem_text(query.query_string, algorithm).replace('"', '""') for algorithm in self.algorithms
        )
        forms = [build(reworded(query, text), config=config) for text in texts]
        forms = [form for form in forms if form is not None]
        return reduce(operator.or_, forms) if forms else None


class QuotedAutocompleteQueryCompiler(SQLiteAutocompleteQueryCompiler):
    """Autocomplete (the admin's listings) as Wagtail does it, whole words, with a typed '"'
    doubled as FTS5 wants it inside a quoted word."""

    def build_search_query_content(self, query, config=None):
        if isinstance(query, (PlainText, Phrase)):
            query = reworded(query, query.query_string.replace('"', '""'))
        return super().build_search_query_content(query, config=config)


class StemmedSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = StemmedSQLiteQueryCompiler
    autocomplete_query_compiler_class = QuotedAutocompleteQueryCompiler
    index_class = StemmedSQLiteIndex


SearchBackend = StemmedSQLiteSearchBackend  # the name Wagtail looks a backend module up by
