"""The words the search index and the query are cut to (core/search_backends/language.py): the same
stem for the forms of a word, in the language of the text, with spacing and order kept."""

import pytest
from django.db import connection

from samizdat.core.search_backends.language import snowball_algorithm, stem_text
from samizdat.core.search_backends.postgres import text_search_config


@pytest.mark.parametrize(
    "language, forms",
    [
        ("en-gb", ["ferry", "ferries", "Ferries"]),
        ("en-gb", ["strike", "strikes", "striking"]),
        ("ru", ["забастовка", "забастовку", "забастовкой", "ЗАБАСТОВКИ"]),
        ("ru", ["ёлка", "елки", "Ёлкой"]),
        ("de", ["Häfen", "häfen"]),
    ],
)
def test_the_forms_of_a_word_have_one_stem(language, forms):
    assert len({stem_text(form, snowball_algorithm(language)) for form in forms}) == 1


def test_spacing_punctuation_and_order_stay_so_phrases_still_match():
    assert stem_text("Ferries return—to Tallinn!", "english") == "ferri return—to tallinn!"


def test_latin_words_in_a_russian_text_are_stemmed_as_english_like_postgresql_does():
    assert stem_text("Паромы Ferries", "russian") == "паром ferri"


def test_a_stress_mark_does_not_split_or_change_a_word():
    assert stem_text("забасто\u0301вку", "russian") == stem_text("забастовку", "russian")


@pytest.mark.parametrize("language", ["uk", "be", "xx", "", None])
def test_a_language_snowball_has_no_stemmer_for_is_only_lower_cased(language):
    assert snowball_algorithm(language) is None
    assert stem_text("Страйку КРАНИ", snowball_algorithm(language)) == "страйку крани"


@pytest.mark.parametrize("language, algorithm", [("en-gb", "english"), ("ru", "russian"), ("pt-br", "portuguese"),
                                                 ("nb", "norwegian"), ("fa", "persian")])
def test_a_language_code_names_its_stemmer(language, algorithm):
    assert snowball_algorithm(language) == algorithm


@pytest.mark.django_db
def test_postgresql_searches_each_language_in_its_own_configuration():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's text-search configurations")
    assert [text_search_config(code, "default") for code in ["en-gb", "ru", "de", "uk", "fa"]] == [
        "english", "russian", "german", "simple", "simple"]
