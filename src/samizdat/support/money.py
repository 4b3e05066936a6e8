"""Money as integers in minor units with their currency: 1250 EUR means 12.50 EUR. No floats.

Readers type amounts ("12.50", "12,50", "25"); `parse_amount` turns them into minor units or
raises AmountError with a sentence written for the reader.
"""

import re

from django.conf import settings

# ISO 4217 digits after the decimal point, for the currencies a newsroom is likely to take.
EXPONENTS = {
    "EUR": 2, "USD": 2, "GBP": 2, "CHF": 2, "SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2, "CZK": 2,
    "HUF": 2, "RON": 2, "BGN": 2, "CAD": 2, "AUD": 2, "NZD": 2, "UAH": 2, "GEL": 2, "TRY": 2,
    "BRL": 2, "MXN": 2, "ZAR": 2, "INR": 2, "HKD": 2, "SGD": 2, "ILS": 2,
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
        raise AmountError(f"We don't take donations in {currency or 'that currency'}.")
    text = (text or "").strip().replace(" ", "")
    if not text:
        raise AmountError("Please choose or enter an amount.")
    if text.startswith("-"):
        raise AmountError("The amount must be more than zero.")
    match = NUMBER.match(text)
    if not match:
        raise AmountError("Please give the amount as a number, like 25 or 12.50.")
    digits = exponent(currency)
    fraction = match.group("fraction") or ""
    if len(fraction.rstrip("0")) > digits:
        if digits == 0:
            raise AmountError(f"Amounts in {currency} are whole numbers.")
        raise AmountError(f"Amounts in {currency} have at most {digits} digits after the decimal mark.")
    fraction = (fraction + "0" * digits)[:digits]
    minor = int(match.group("whole")) * 10**digits + (int(fraction) if fraction else 0)
    if minor <= 0:
        raise AmountError("The amount must be more than zero.")
    return minor


def format_amount(minor, currency):
    """1250, 'EUR' -> '12.50 EUR'; whole amounts without decimals: '10 EUR'."""
    digits = exponent(currency) if currency in EXPONENTS else 2
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(int(minor)), 10**digits)
    if digits == 0 or fraction == 0:
        return f"{sign}{whole:,} {currency}".replace(",", "\u202f")
    return f"{sign}{whole:,}.{fraction:0{digits}d} {currency}".replace(",", "\u202f")


def format_number(minor, currency):
    """1250, 'EUR' -> '12.50' (no currency, no grouping): a form field's value."""
    return format_amount(minor, currency).rsplit(" ", 1)[0].replace("\u202f", "")


def _limit(setting, currency):
    """SUPPORT_MINIMUM / SUPPORT_MAXIMUM: '1' for every currency, or 'EUR:1,JPY:150' per currency."""
    value = getattr(settings, setting)
    default = None
    for part in str(value).split(","):
        code, _, amount = part.strip().rpartition(":")
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
        raise AmountError(f"That amount is below the minimum of {format_amount(low, currency)}.")
    if minor > high:
        raise AmountError(f"That amount is above the maximum of {format_amount(high, currency)}.")
    return minor
