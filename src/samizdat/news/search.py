"""Site search. Any query a reader types gives a page of results or none, never an error."""

import re

from django.core.paginator import Paginator

from .listing import published_articles

MAX_QUERY_LENGTH = 200
SEARCH_PAGE_SIZE = 20


def clean_query(raw):
    """Keep words only: search syntax characters, control characters and floods of text are dropped."""
    words = re.findall(r"\w+", raw[: MAX_QUERY_LENGTH * 4])
    return " ".join(words)[:MAX_QUERY_LENGTH].strip()


def search_articles(raw_query, raw_page="1"):
    query = clean_query(raw_query or "")
    try:
        number = max(1, int(raw_page))
    except (TypeError, ValueError):
        number = 1
    if not query:
        return query, None
    results = published_articles().order_by().search(query, operator="and")
    paginator = Paginator(results, SEARCH_PAGE_SIZE)
    return query, paginator.get_page(number)
