"""Money as integers in minor units with their currency: 1250 EUR means 12.50 EUR. No floats.

Readers type amounts ("12.50", "12,50", "25"); `parse_amount` turns them into minor units or
raises AmountError with a sentence written for the reader.
"""

import re
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency
from django.conf import settings
from django.utils.translation import gettext as _, get_language, to_locale

# ISO 4217 digits after the decimal point, for the currencies a newsroom is likely to take.
EXPONENTS = {
    "EUR": 2, "USD": 2, "GBP": 2, "CHF": 2, "SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2, "CZK": 2,
    "HUF": 2, "RON": 2, "BGN": 2, "CAD": 2, "AUD": 2, "NZD": 2, "UAH": 2, "GEL": 2, "TRY": 2,
    "BRL": 2, "MXN": 2, "ZAR": 2, "INR": 2, "HKD": 2, "SGD": 2, "ILS": 2,
    "RUB": 2,
    "JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0,
}

NUMBER = re.compile(r"^(?P<whole>\d{1,12})(?:[.,](?P<fraction>\d+))?$")


class AmountError(ValueError):
    """An amount a reader typed that we can't take; str() is the sentence to show them."""


def exponent(currency):
    return EXPONENTS[currency]


def is_known_currency(currency):
    return currency in EXPONENTS


def currencies():
    """The currencies donations may be made in (SUPPORT_CURRENCIES), known ones only, in order."""
    return [code for code in settings.SUPPORT_CURRENCIES if code in EXPONENTS]


def parse_amount(text, currency):
    """'12.50' EUR -> 1250. Accepts one '.' or ',' as the decimal mark; nothing else."""
    if currency not in EXPONENTS:
        if not currency:
            raise AmountError(_("We don't take donations in that currency."))
        raise AmountError(_("We don't take donations in %(currency)s.") % {"currency": currency})
    text = (text or "").strip().replace(" ", "")
    if not text:
        raise AmountError(_("Please choose or enter an amount."))
    if text.startswith("-"):
        raise AmountError(_("The amount must be more than zero."))
    match = NUMBER.match(text)
    if not match:
        raise AmountError(_("Please give the amount as a number, like 25 or 12.50."))
    digits = exponent(currency)
    fraction = match.group("fraction") or ""
    if len(fraction.rstrip("0")) > digits:
        if digits == 0:
            raise AmountError(_("Amounts in %(currency)s are whole numbers.") % {"currency": currency})
        raise AmountError(_("Amounts in %(currency)s have at most %(digits)d digits after the decimal mark.") % {"currency": currency, "digits": digits})
    fraction = (fraction + "0" * digits)[:digits]
    minor = int(match.group("whole")) * 10**digits + (int(fraction) if fraction else 0)
    if minor <= 0:
        raise AmountError(_("The amount must be more than zero."))
    return minor


def format_amount(minor, currency):
    """1250, 'EUR' -> '€12.50' in English, '12,50 €' in Russian: the active language's way, from
    CLDR through Babel. Whole amounts without decimals: '€10', '1 000 ₽'."""
    digits = exponent(currency) if currency in EXPONENTS else 2
    value = Decimal(int(minor)).scaleb(-digits)
    locale = reader_locale()
    pattern = locale.currency_formats["standard"].pattern
    if value == value.to_integral_value():
        pattern = re.sub(r"\.0+", "", pattern)
    return format_currency(value, currency, format=pattern, locale=locale, currency_digits=False)


def reader_locale():
    """The active language as a Babel locale; English for a language CLDR doesn't know."""
    try:
        return Locale.parse(to_locale(get_language() or settings.LANGUAGE_CODE))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def format_number(minor, currency):
    """1250, 'EUR' -> '12.50' (no currency, no grouping, a '.' whatever the language): a form
    field's value, which parse_amount reads back."""
    digits = exponent(currency) if currency in EXPONENTS else 2
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(int(minor)), 10**digits)
    if digits == 0 or fraction == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{fraction:0{digits}d}"


def _limit(setting, currency):
    """SUPPORT_MINIMUM / SUPPORT_MAXIMUM: '1' for every currency, or 'EUR:1,JPY:150' per currency."""
    value = getattr(settings, setting)
    default = None
    for part in str(value).split(","):
        code, _colon, amount = part.strip().rpartition(":")
        if code.strip().upper() == currency:
            return parse_amount(amount, currency)
        if not code:
            default = amount
    return parse_amount(default or ("1" if setting == "SUPPORT_MINIMUM" else "10000"), currency)


def minimum(currency):
    return _limit("SUPPORT_MINIMUM", currency)


def maximum(currency):
    return _limit("SUPPORT_MAXIMUM", currency)


def check_limits(minor, currency):
    low, high = minimum(currency), maximum(currency)
    if minor < low:
        raise AmountError(_("That amount is below the minimum of %(amount)s.") % {"amount": format_amount(low, currency)})
    if minor > high:
        raise AmountError(_("That amount is above the maximum of %(amount)s.") % {"amount": format_amount(high, currency)})
    return minor
