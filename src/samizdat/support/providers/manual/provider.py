"""`manual`: bank transfer and cryptocurrency. The reader sees our details (with a QR code for each
address), sends the money themselves and tells us how much they sent; staff confirm the gift in
the admin when it arrives. One-off gifts only: a standing order is set up at the reader's bank."""

import secrets

from django.core import signing

from ..models import Frequency
from .base import DonationRequest, Provider

SALT = "samizdat.support.manual"


class ManualProvider(Provider):
    name = "manual"
    label = "Bank transfer or crypto"
    frequencies = (Frequency.ONCE,)

    def is_available(self):
        from ..models import support_settings

        settings = support_settings()
        return bool(settings.bank_transfer_details.strip() or settings.crypto_addresses.strip())

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
            found.append((label or f"Address {len(found) + 1}", address))
    return found
