"""The manual provider: a signed token carrying what the reader asked for to our transfer page."""

import secrets

from django.core import signing
from django.utils.translation import gettext, gettext_lazy

from samizdat.core.models import for_default_site
from samizdat.support.models import Frequency
from samizdat.support.providers.base import DonationRequest, Provider

from .models import ManualPaymentSettings

SALT = "samizdat.support.manual"


class ManualProvider(Provider):
    name = "manual"
    label = gettext_lazy("Bank transfer or crypto")
    frequencies = (Frequency.ONCE,)
    confirmed_by_staff = True

    def is_available(self):
        details = for_default_site(ManualPaymentSettings)
        return bool(details.bank_transfer_details.strip() or details.crypto_addresses.strip())

    def start_checkout(self, request, urls):
        token = signing.dumps(
            # No email or name in the address: the transfer page asks for them.
            {"a": request.amount, "c": request.currency, "r": secrets.token_hex(8), "d": int(request.discreet)},
            salt=SALT,
        )
        return f"/support/transfer/{token}/"

    @staticmethod
    def read_token(token):
        try:
            data = signing.loads(token, salt=SALT, max_age=60 * 60 * 24 * 7)
            request = DonationRequest(int(data["a"]), data["c"], Frequency.ONCE, "manual", discreet=bool(data.get("d")))
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None, None
        return request, str(data["r"])


def crypto_addresses(text):
    """'Bitcoin: bc1q…' lines -> [(label, address)]; lines without a label are named by position."""
    found = []
    for line in (text or "").splitlines():
        label, _, address = line.strip().partition(":") if ":" in line else ("", "", line.strip())
        label, address = label.strip(), address.strip()
        if address:
            found.append((label or gettext("Address %(number)d") % {"number": len(found) + 1}, address))
    return found
