"""Reader revenue's personal data for core/privacy.py: one donor's gifts (export) and their erasure.

Erasure blanks the name and email of every donation and recurring donation under the address; the
amounts, currencies, dates, statuses and the provider's ids stay, so the accounts and the revenue
report still add up. What the payment provider itself keeps (Stripe's customer record) is erased
there, in its dashboard: docs/security.md says so.
"""

from samizdat.core.privacy import normalise

from .models import Donation, RecurringDonation

LABEL = "Reader revenue"


def _row(gift, *fields):
    return {name: getattr(gift, name) for name in fields}


def find(email):
    email = normalise(email)
    return {
        "donations": [
            _row(d, "created_at", "amount", "currency", "frequency", "status", "refunded_amount", "provider",
                 "provider_payment_id", "method", "email", "name", "confirmed_at", "receipt_sent_at", "discreet")
            for d in Donation.objects.filter(email__iexact=email)
        ],
        "recurring donations": [
            _row(r, "created_at", "amount", "currency", "frequency", "status", "provider",
                 "provider_subscription_id", "email", "name", "cancelled_at", "link_sent_at", "discreet")
            for r in RecurringDonation.objects.filter(email__iexact=email)
        ],
    }


def erase(email):
    email = normalise(email)
    return {
        "donations anonymised": Donation.objects.filter(email__iexact=email).update(email="", name=""),
        "recurring donations anonymised": RecurringDonation.objects.filter(email__iexact=email).update(email="", name=""),
    }
