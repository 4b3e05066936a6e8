"""The currency each edition's donate form starts with (Settings → Reader revenue): an exiled
newsroom's Russian readers mostly give in euros or dollars, so it is the newsroom's choice, not
the language's. One line per edition, its language code as in LANGUAGES: "ru: EUR"."""

from django.utils.translation import get_language, gettext as _

from .money import currencies


def parse_edition_currencies(text):
    """{"ru": "EUR"} from the setting's lines; ValueError, said for the staff, for a line it can't use."""
    chosen = {}
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        language, separator, currency = (part.strip() for part in line.partition(":"))
        if not separator or not language:
            raise ValueError(_("Line %(number)s: write a language and a currency, e.g. 'ru: EUR'.") % {"number": number})
        if currency.upper() not in currencies():
            raise ValueError(
                _("Line %(number)s: %(currency)s is not one of the currencies we take (%(currencies)s).")
                % {"number": number, "currency": currency or "?", "currencies": ", ".join(currencies())}
            )
        chosen[language.lower()] = currency.upper()
    return chosen


def edition_currency(text):
    """The currency the active edition's form starts with, or None when the setting names none
    (or names one no longer taken: the form then starts as every other edition's does)."""
    try:
        return parse_edition_currencies(text).get((get_language() or "").lower())
    except ValueError:
        return None
