"""Wagtail's SQLite search (FTS5) with word forms: FTS5 has no stemmer but English "porter", and
Python's sqlite3 cannot add one, so words are cut to their Snowball stems in Python before they are
written to the index, and again in every query (language.py)."""

import operator
from functools import reduce

from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteAutocompleteQueryCompiler,
    SQLiteFTSIndexEntry,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
    SQLiteSearchResults,
)
from modelsearch.query import MatchAll, Not, Phrase, PlainText
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks
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


class RankedOnce:
    """For a query compiler of Wagtail's SQLite backend, with RankedOnceSearchResults."""

    def scores(self, config):
        """{key: score} of every match the queryset shows (lower is better, as bm25() counts);
        None when the query is not ranked (no words, a negation). Asked once per search: the
        results and their count share it.

        Wagtail's own search() builds the same match and score, but ranks each result with a
        correlated subquery that runs the match again, and filters the index by content type in
        SQL, which makes SQLite look each entry of that type up in FTS5 one by one: a word found in
        each of 2,000 stories took 3 s. Here FTS5 is scanned once and the type is checked in Python."""
        if not hasattr(self, "_scores"):
            self._scores = self._ranked_matches(config)
        return self._scores

    def _ranked_matches(self, config):
        query = normalize(self.query)
        if isinstance(query, (MatchAll, Not)):
            return None
        match = MatchExpression(self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config=config))
        matches = SQLiteFTSIndexEntry.objects.filter(match)
        scored = matches.annotate(score=self._build_rank_expression(self.get_search_vectors(), config))
        types = set(get_descendants_content_types_pks(self.queryset.model))
        to_python = self.queryset.model._meta.pk.to_python
        scores = {
            to_python(object_id): score
            for object_id, content_type, score in scored.values_list(
                "index_entry__object_id", "index_entry__content_type_id", "score"
            )
            if content_type in types
        }
        # The queryset's own filters (published, the edition, privacy) say which matches are shown.
        shown = self.queryset.filter(pk__in=matches.values("index_entry__object_id")).values_list("pk", flat=True)
        return {key: scores[key] for key in shown if key in scores}


class StemmedSQLiteQueryCompiler(RankedOnce, SQLiteSearchQueryCompiler):
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


class RankedOnceSearchResults(SQLiteSearchResults):
    """Results by relevance from one ranking pass (RankedOnce.scores); only the page asked for is read."""

    def _do_search(self):
        compiler = self.query_compiler
        scores = compiler.scores(compiler.get_config(self.backend)) if compiler.order_by_relevance else None
        if scores is None:
            return super()._do_search()
        # Best first; equal scores newest first, as Wagtail orders them ("-pk").
        ranked = sorted(scores, key=lambda key: (scores[key], -key))[self.start : self.stop]
        objects = compiler.queryset.in_bulk(ranked)
        if self._score_field:
            for key, page in objects.items():
                setattr(page, self._score_field, scores[key])
        return [objects[key] for key in ranked if key in objects]

    def _do_count(self):
        compiler = self.query_compiler
        scores = compiler.scores(compiler.get_config(self.backend)) if compiler.order_by_relevance else None
        return super()._do_count() if scores is None else len(scores)


class QuotedAutocompleteQueryCompiler(RankedOnce, SQLiteAutocompleteQueryCompiler):
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
    results_class = RankedOnceSearchResults


SearchBackend = StemmedSQLiteSearchBackend  # the name Wagtail looks a backend module up by
