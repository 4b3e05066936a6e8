"""The test provider: a signed token carrying what the reader asked for to our checkout page, and
the events a successful payment makes."""

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy

from samizdat.support.events import PaymentEvent
from samizdat.core.models import for_default_site
from samizdat.support.models import Frequency
from samizdat.support.providers.base import DonationRequest, Provider

from .models import TestPaymentSettings

SALT = "samizdat.support.test-checkout"
NOT_ALLOWED = gettext_lazy("Test payments are switched off on this site. Please choose another way to pay.")


def allowed():
    return settings.SUPPORT_TEST_PAYMENTS


class TestProvider(Provider):
    name = "test"
    label = gettext_lazy("Test payment (no money moves)")
    moves_money = False

    def is_available(self):
        """Switched on by staff (Settings > Test payments) and allowed by the site's settings:
        SUPPORT_TEST_PAYMENTS, on in DEBUG or for a demo. A live site never offers it by mistake."""
        return allowed() and for_default_site(TestPaymentSettings).enabled

    def refusal(self):
        return "" if allowed() else NOT_ALLOWED

    def start_checkout(self, request, urls):
        token = signing.dumps(
            # No email or name in the address: the checkout page asks for them.
            {"a": request.amount, "c": request.currency, "f": request.frequency, "r": secrets.token_hex(8),
             "d": int(request.discreet)},
            salt=SALT,
        )
        return f"/support/test-checkout/{token}/"

    @staticmethod
    def read_token(token):
        """The DonationRequest a checkout token carries and its nonce, or (None, None) if forged."""
        try:
            data = signing.loads(token, salt=SALT, max_age=60 * 60 * 24)
            request = DonationRequest(int(data["a"]), data["c"], data["f"], "test", discreet=bool(data.get("d")))
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None, None
        return request, str(data["r"])

    def complete(self, request, nonce, email, name):
        """The events a successful payment sends: the same nonce always gives the same ids, so
        pressing Pay twice (or a reload) stores one donation."""
        now = timezone.now()
        key = hashlib.sha256(nonce.encode()).hexdigest()[:24]
        common = {"provider": self.name, "occurred_at": now, "amount": request.amount,
                  "currency": request.currency, "frequency": request.frequency, "email": email, "name": name,
                  "discreet": request.discreet}
        if request.frequency == Frequency.ONCE:
            return [PaymentEvent(event_id=f"evt_test_{key}", kind="payment.succeeded", payment_id=f"pay_test_{key}", **common)]
        subscription = f"sub_test_{key}"
        return [
            PaymentEvent(event_id=f"evt_test_{key}_start", kind="recurring.started", subscription_id=subscription, **common),
            PaymentEvent(event_id=f"evt_test_{key}_pay", kind="payment.succeeded", payment_id=f"pay_test_{key}",
                         subscription_id=subscription, **common),
        ]

    def change_amount(self, recurring, amount):
        return None  # nothing to tell: the next "payment" uses our record

    def cancel(self, recurring):
        return None
