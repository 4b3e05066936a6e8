"""Wagtail's SQLite search (FTS5) with word forms: FTS5 has no stemmer but English "porter", and
Python's sqlite3 cannot add one, so words are cut to their Snowball stems in Python before they are
written to the index, and again in every query (language.py)."""

from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.query import Phrase, PlainText
from modelsearch.utils import get_content_type_pk
from wagtail.models import Locale

from .language import active_language, language_of, snowball_algorithm, stem_text


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
        # Results are fetched lazily, perhaps once another language is active: the query is read
        # in the language it was made in.
        self.language = active_language()

    def get_config(self, backend):
        """The Snowball stemmer of the query's language; Wagtail passes it to
        build_search_query_content as `config`."""
        return snowball_algorithm(self.language)

    def build_search_query_content(self, query, config=None):
        """The words of plain and phrase queries stemmed like the index; And, Or and Not come back
        here for their parts."""
        if isinstance(query, PlainText):
            query = PlainText(stem_text(query.query_string, config), operator=query.operator, boost=query.boost)
        elif isinstance(query, Phrase):
            query = Phrase(stem_text(query.query_string, config))
        return super().build_search_query_content(query, config=config)


class StemmedSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = StemmedSQLiteQueryCompiler
    index_class = StemmedSQLiteIndex


SearchBackend = StemmedSQLiteSearchBackend  # the name Wagtail looks a backend module up by
