"""Amounts as readers type them, turned into integers in minor units, or a sentence for the reader."""

import pytest

from samizdat.support.money import AmountError, check_limits, format_amount, parse_amount


@pytest.mark.parametrize(
    "text, currency, minor",
    [("12.50", "EUR", 1250), ("12,50", "EUR", 1250), ("25", "EUR", 2500), (" 7.5 ", "GBP", 750),
     ("0.01", "USD", 1), ("1500", "JPY", 1500), ("10.00", "EUR", 1000), ("3.0", "JPY", 3)],
)
def test_amounts_readers_type_become_minor_units(text, currency, minor):
    assert parse_amount(text, currency) == minor
    assert isinstance(parse_amount(text, currency), int)


@pytest.mark.parametrize(
    "text, currency, message",
    [("abc", "EUR", "Please give the amount as a number, like 25 or 12.50."),
     ("1e9", "EUR", "Please give the amount as a number, like 25 or 12.50."),
     ("-5", "EUR", "The amount must be more than zero."),
     ("0", "EUR", "The amount must be more than zero."),
     ("", "EUR", "Please choose or enter an amount."),
     ("12.345", "EUR", "Amounts in EUR have at most 2 digits after the decimal mark."),
     ("1.5", "JPY", "Amounts in JPY are whole numbers."),
     ("1.000,50", "EUR", "Please give the amount as a number, like 25 or 12.50."),
     ("NaN", "EUR", "Please give the amount as a number, like 25 or 12.50."),
     ("10", "XYZ", "We don't take donations in XYZ."),
     ("99999999999999999999", "EUR", "Please give the amount as a number, like 25 or 12.50.")],
)
def test_amounts_we_cannot_take_are_explained(text, currency, message):
    with pytest.raises(AmountError) as error:
        parse_amount(text, currency)
    assert str(error.value) == message


def test_amounts_are_shown_with_their_currency():
    assert format_amount(1250, "EUR") == "€12.50"
    assert format_amount(1000, "EUR") == "€10"
    assert format_amount(1500, "JPY") == "JP¥1,500"
    assert format_amount(5, "USD") == "US$0.05"


def test_minimum_and_maximum_are_explained_in_the_currency(settings):
    settings.SUPPORT_MINIMUM = "1"
    settings.SUPPORT_MAXIMUM = "EUR:5000,10000"
    with pytest.raises(AmountError, match=r"^That amount is below the minimum of €1\.$"):
        check_limits(99, "EUR")
    with pytest.raises(AmountError, match="above the maximum of €5,000"):
        check_limits(500001, "EUR")
    assert check_limits(500000, "EUR") == 500000
    assert check_limits(1000000, "USD") == 1000000
