"""The donate form: what it offers, and reading what a reader sent.

The form works without JavaScript: one radio group per frequency holds that frequency's suggested
amounts (CSS shows the chosen frequency's), one field for another amount, the currency (chosen by a
link, so the suggestions match it), and the payment method. `read_donation` checks everything a
browser, a mirror or a stranger may send and says what is wrong in the reader's words.
"""

import re
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from .edition_currencies import edition_currency
from .models import Donation, Frequency, support_settings
from .money import AmountError, check_limits, currencies, format_amount, format_number, maximum, minimum, parse_amount
from .providers import get_provider, offered
from .providers.base import DonationRequest
from .suggestions import suggested

THANKS_SALT = "samizdat.support.thanks"


@dataclass
class DonateForm:
    """What the template needs: the choices, the reader's values and the errors by field."""

    currency: str
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    message: str = ""  # an error about the whole form (the provider is unreachable)

    @property
    def frequencies(self):
        chosen = self.values.get("frequency") or Frequency.ONCE
        text = support_settings().suggested_amounts
        groups = []
        for value, label in Frequency.choices:
            amounts = suggested(text, self.currency, value)
            picked = self.values.get(f"amount_{value}") or (format_number(amounts[0], self.currency) if amounts else "")
            groups.append({
                "value": value, "label": label, "checked": value == chosen,
                "amounts": [{"value": format_number(a, self.currency), "label": format_amount(a, self.currency),
                             "checked": format_number(a, self.currency) == picked} for a in amounts],
                "other_checked": picked == "other",
            })
        return groups

    @property
    def currencies(self):
        return currencies()

    @property
    def providers(self):
        chosen = self.values.get("provider")
        found = offered()
        return [{"name": p.name, "label": p.label, "checked": p.name == chosen or (not chosen and i == 0),
                 "once_only": tuple(p.frequencies) == (Frequency.ONCE,)} for i, p in enumerate(found)]

    @property
    def limits(self):
        """The range the form takes, as the sentence under the amount field."""
        return _("From %(minimum)s to %(maximum)s.") % {
            "minimum": format_amount(minimum(self.currency), self.currency),
            "maximum": format_amount(maximum(self.currency), self.currency),
        }


def default_currency():
    """The active edition's currency (Settings → Reader revenue), else the first one we take."""
    found = currencies()
    return edition_currency(support_settings().edition_currencies) or (found[0] if found else "EUR")


def blank_form(currency=None):
    currency = currency if currency in currencies() else default_currency()
    return DonateForm(currency=currency)


EMAIL_MAX = 254


def read_donation(data):
    """(DonationRequest, None) when the form is right, else (None, DonateForm with errors)."""
    values = {key: str(data.get(key, "")).strip()[:200] for key in
              ("frequency", "currency", "amount_once", "amount_monthly", "amount_annual", "other_amount",
               "provider", "email", "name", "discreet")}
    errors = {}
    currency = values["currency"].upper()
    if currency not in currencies():
        errors["currency"] = (
            _("We don't take donations in %(currency)s.") % {"currency": currency} if currency else _("Please choose a currency.")
        )
        currency = default_currency()
    frequency = values["frequency"]
    if frequency not in Frequency.values:
        errors["frequency"] = _("Please choose Once, Monthly or Annual.")
        frequency = Frequency.ONCE
    amount = None
    if "currency" not in errors:
        choice = values.get(f"amount_{frequency}", "")
        text = values["other_amount"] if values["other_amount"] or choice in ("", "other") else choice
        try:
            amount = check_limits(parse_amount(text, currency), currency)
        except AmountError as error:
            errors["amount"] = str(error)
    provider = get_provider(values["provider"])
    if provider is not None and provider.refusal():
        errors["provider"] = provider.refusal()
    elif provider is None or provider.name not in [p.name for p in offered()]:
        errors["provider"] = _("Please choose a way to pay.")
    elif frequency not in provider.frequencies:
        errors["provider"] = _("%(provider)s is for one-off gifts: choose Once, or another way to pay.") % {"provider": provider.label}
    email = values["email"]
    if email:
        try:
            if len(email) > EMAIL_MAX:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            errors["email"] = _("That email address doesn't look right.")
    name = re.sub(r"\s+", " ", values["name"])
    if errors:
        return None, DonateForm(currency=currency, values=values, errors=errors)
    discreet = bool(values["discreet"])  # a donor at risk: neutral receipt and card statement
    return DonationRequest(amount, currency, frequency, provider.name, email, name, discreet), None



def valid_email(text):
    """The address a reader typed, or "" if it isn't one."""
    text = (text or "").strip()
    try:
        if not text or len(text) > EMAIL_MAX:
            raise ValidationError("")
        validate_email(text)
    except ValidationError:
        return ""
    return text


def thanks_url(donation):
    """The thanks page for a gift just paid: it names the gift for an hour."""
    return f"/support/thanks/?d={signing.dumps(donation.pk, salt=THANKS_SALT)}"


def thanked_donation(token):
    """The gift a thanks page's address names, or None if forged or old."""
    try:
        return Donation.objects.filter(pk=signing.loads(token, salt=THANKS_SALT, max_age=3600)).first()
    except (signing.BadSignature, TypeError, ValueError):
        return None
