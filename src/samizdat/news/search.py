"""Site search. Any query a reader types gives a page of results or none, never an error."""

import re

from django.conf import settings
from django.core.paginator import Paginator

from samizdat.core.search_backends.language import without_loose_marks

from .listing import published_articles

MAX_QUERY_LENGTH = 200
# Typed in capitals these are search syntax on other sites; taken as words they would demand that
# every result contains "OR", so "harbour OR ferry" would find nothing.
SYNTAX_WORDS = {"AND", "OR", "NOT", "NEAR"}


def clean_query(raw):
    """Keep words only: search syntax, control characters and floods of text are dropped, and a
    stress mark no longer splits a word in two."""
    text = without_loose_marks(raw[: MAX_QUERY_LENGTH * 4])
    words = [word for word in re.findall(r"\w+", text) if word not in SYNTAX_WORDS]
    return " ".join(words)[:MAX_QUERY_LENGTH].strip()


def page_number(raw):
    """The page asked for; anything that is not a positive whole number means the first."""
    try:
        return max(1, int(raw))
    except (TypeError, ValueError, OverflowError):
        return 1


def search_articles(raw_query, raw_page="1", per_page=None):
    """(the query as searched, one page of matching published articles or None for no query).

    A page past the end shows the last page rather than an error: the reader followed a stale link.
    """
    query = clean_query(raw_query or "")
    if not query:
        return query, None
    # The search backend ranks by relevance; the listing's date ordering is dropped, as some
    # backends refuse to order by fields they have not indexed. The backend reads the query in the
    # active language, and published_articles() are that edition's stories only.
    stories = published_articles().order_by()
    results = stories.search(query, operator="and")
    paginator = Paginator(results, per_page or settings.NEWS_PAGE_SIZE)
    return query, paginator.get_page(page_number(raw_page))
