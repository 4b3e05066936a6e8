"""Which language a text is searched in, and its words cut to their stems (Snowball), for the search
backends in this package. "забастовку" and "забастовка" both become "забастовк"; "ferries" and
"ferry" both "ferri"."""

import re
import unicodedata
from functools import cache

import Stemmer
from django.conf import settings
from django.utils.translation import get_language, get_language_info
from modelsearch.query import Phrase, PlainText
from wagtail.models import Locale

# What SQLite's FTS5 (tokenizer unicode61) takes for one word: letters and digits.
WORD = re.compile(r"[^\W_]+")
# Marks left over once composed characters are joined (a Russian stress mark, "забасто́вка"): FTS5
# would keep them inside the word, and Snowball does not know them.
LOOSE_MARKS = re.compile("[\u0300-\u036f]")
# Stemmers for languages not written in Latin letters leave a Latin word alone; like PostgreSQL's
# `russian` configuration, such a word (a name, a term) is stemmed as English.
NOT_LATIN_SCRIPT = {"arabic", "armenian", "greek", "hindi", "nepali", "persian", "russian", "tamil", "yiddish"}


def language_name(language_code):
    """The language's English name in lower case, the way Snowball and PostgreSQL name their
    stemmers ("ru" → "russian", "en-gb" → "english", "nb" → "norwegian"); "" if Django does not
    know the code."""
    generic = (language_code or "").lower().split("-")[0]
    try:
        name = get_language_info(generic)["name"]
    except KeyError:
        return ""
    return name.split()[0].lower()


def active_language():
    """The language a reader searches in: the request's, else the site's."""
    return get_language() or settings.LANGUAGE_CODE


def query_languages(language):
    """The languages a query is read in: its own first, then every other language the site has a
    locale for. Each is tried and any may match, so staff with the admin in English find a Russian
    story by another form of a Russian word; a reader's search is kept to its edition by a filter."""
    codes = Locale.objects.order_by("pk").values_list("language_code", flat=True)
    return list(dict.fromkeys([language, *codes]))


def reworded(query, text):
    """A plain or phrase query with other words."""
    if isinstance(query, Phrase):
        return Phrase(text)
    return PlainText(text, operator=query.operator, boost=query.boost)


def language_of(obj, languages_by_locale):
    """The language an object is written in: its locale's (pages, and any other translatable
    model), else the site's. `languages_by_locale` maps Locale ids to language codes."""
    locale_id = getattr(obj, "locale_id", None)
    return languages_by_locale.get(locale_id, settings.LANGUAGE_CODE)


def snowball_algorithm(language_code):
    """The Snowball stemmer for a language, or None where Snowball has none (Ukrainian)."""
    name = language_name(language_code)
    return name if name in Stemmer.algorithms() else None


@cache
def _stemmer(algorithm):
    # A Stemmer keeps a cache of the words it has seen, so one per language is kept for the process.
    return Stemmer.Stemmer(algorithm)


def without_loose_marks(text):
    """The text with accents joined to their letters ("é" one character) and marks that join no
    letter dropped, so "забасто́вка" is "забастовка"."""
    return LOOSE_MARKS.sub("", unicodedata.normalize("NFC", text))


def stem_text(text, algorithm):
    """The text with each word lower-cased and cut to its stem; spaces and punctuation stay where
    they were, so phrases still match word by word. With no algorithm, the words are only
    lower-cased."""
    text = without_loose_marks(text)
    if algorithm is None:
        return text.lower()
    stemmer = _stemmer(algorithm)
    latin = _stemmer("english") if algorithm in NOT_LATIN_SCRIPT else stemmer

    def stem(match):
        word = match[0].lower()
        return (latin if word.isascii() else stemmer).stemWord(word)

    return WORD.sub(stem, text)
