"""Wagtail's PostgreSQL search with a text-search configuration per language (`russian`,
`english`, ... from pg_ts_config; `simple` for a language PostgreSQL has none for), chosen from the
object's locale when indexing and from the active language when searching. Wagtail's own backend
takes one SEARCH_CONFIG for everything."""

import copy
import operator
from collections import defaultdict
from functools import cache, reduce

from django.db import connections
from modelsearch.backends.database.postgres.postgres import (
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from modelsearch.query import Phrase, PlainText
from wagtail.models import Locale

from .language import active_language, language_name, language_of, query_languages

FALLBACK_CONFIG = "simple"  # lower-cases, no stems, no stop words


@cache
def text_search_configs(alias):
    """The configurations the database's server has, asked once per process."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config")
        return frozenset(name for (name,) in cursor.fetchall())


def text_search_config(language_code, alias):
    name = language_name(language_code)
    return name if name in text_search_configs(alias) else FALLBACK_CONFIG


class LanguagePostgresIndex(PostgresIndex):
    def add_items(self, model, objs):
        """Index the objects in groups by language. Wagtail's indexer reads the configuration
        from the backend it is given, so each group goes through an index on a copy of the
        backend set to that group's configuration."""
        languages_by_locale = dict(Locale.objects.values_list("id", "language_code"))
        groups = defaultdict(list)
        for obj in objs:
            groups[text_search_config(language_of(obj, languages_by_locale), self.write_connection.alias)].append(obj)
        for config, group in groups.items():
            backend = copy.copy(self.backend)
            backend.config = config
            PostgresIndex(backend).add_items(model, group)


class LanguagePostgresQueryCompiler(PostgresSearchQueryCompiler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read now: results are fetched lazily, perhaps once another language is active.
        languages = query_languages(active_language())
        self.configs = list(dict.fromkeys(text_search_config(language, self.queryset.db) for language in languages))

    def get_config(self, backend):
        """The configuration of the query's own language (for `.search(fields=...)`)."""
        return self.configs[0]

    def build_tsquery_content(self, query, config=None, invert=False):
        """Plain and phrase queries once per language the query is read in, any of them matching
        (under a Not, none of them). And, Or and Not come back here for their parts."""
        if not isinstance(query, (PlainText, Phrase)):
            return super().build_tsquery_content(query, config=config, invert=invert)
        build = super().build_tsquery_content
        forms = [build(query, config=each, invert=invert) for each in self.configs]
        forms = [form for form in forms if form is not None]
        return reduce(operator.and_ if invert else operator.or_, forms) if forms else None


class LanguagePostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = LanguagePostgresQueryCompiler
    index_class = LanguagePostgresIndex


SearchBackend = LanguagePostgresSearchBackend  # the name Wagtail looks a backend module up by
