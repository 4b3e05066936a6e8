"""The one small interface every payment provider implements, and the normalised event they
all turn their news into.

A provider starts a checkout (returns where to send the reader), and may turn a webhook into
PaymentEvents, change a recurring donation's amount and cancel it. Everything after that (storing
a donation exactly once, receipts) is the same for every provider: see support/events.py.
"""

from dataclasses import dataclass
from datetime import datetime

from ..models import Frequency


@dataclass(frozen=True)
class DonationRequest:
    """What a reader asked for on the donate form; nothing is paid yet."""

    amount: int  # minor units
    currency: str
    frequency: str
    provider: str
    email: str = ""
    name: str = ""
    discreet: bool = False  # neutral sender, subject and card statement

    @property
    def recurring(self):
        return self.frequency != Frequency.ONCE


@dataclass(frozen=True)
class ReturnUrls:
    """Absolute addresses the provider sends the reader back to."""

    success: str
    cancel: str


@dataclass(frozen=True)
class PaymentEvent:
    """Something a provider tells us, in our words.

    kind:
      payment.succeeded         money arrived: a one-off gift, or one payment of a recurring one
                                (subscription_id set)
      payment.refunded          a payment was refunded (refunded_amount: how much in all)
      recurring.started         a recurring donation began (the first payment comes as its own event)
      recurring.updated         its amount or status changed (status: active, past_due, cancelled)
      recurring.cancelled       it ended
      recurring.payment_failed  a payment failed; the provider will try again
    """

    provider: str
    event_id: str
    kind: str
    occurred_at: datetime
    payment_id: str = ""
    subscription_id: str = ""
    amount: int | None = None
    currency: str = ""
    frequency: str = ""
    email: str = ""
    name: str = ""
    status: str = ""
    refunded_amount: int = 0
    discreet: bool = False  # the donor asked for discretion at checkout


KINDS = {
    "payment.succeeded",
    "payment.refunded",
    "recurring.started",
    "recurring.updated",
    "recurring.cancelled",
    "recurring.payment_failed",
}


class ProviderUnavailable(Exception):
    """The provider can't be reached or refused the request; str() is for the reader."""


class WebhookRejected(Exception):
    """A webhook we don't trust (bad or missing signature) or can't read; nothing is changed."""


class Provider:
    name = ""
    label = ""  # what readers see on the form: "Card (Stripe)"
    frequencies = (Frequency.ONCE, Frequency.MONTHLY, Frequency.ANNUAL)

    def is_available(self):
        """Configured and switched on; the form offers only available providers."""
        return False

    def checkout_origins(self):
        """Sites start_checkout may send the reader to from the donate form (a redirect after the
        form's POST, which the page's form-action must allow)."""
        return ()

    def start_checkout(self, request: DonationRequest, urls: ReturnUrls) -> str:
        """Begin paying; returns the address to send the reader to. Records nothing as paid."""
        raise NotImplementedError

    def parse_webhook(self, body: bytes, headers) -> list[PaymentEvent]:
        """Verify a webhook first, then turn it into events ([] for kinds we ignore)."""
        raise WebhookRejected(f"{self.name} sends no webhooks")

    def change_amount(self, recurring, amount):
        """Ask the provider to charge `amount` (minor units) from the next payment on."""
        raise ProviderUnavailable("This payment method can't change the amount: please contact us.")

    def cancel(self, recurring):
        """Ask the provider to stop the recurring donation at once."""
        raise ProviderUnavailable("This payment method can't be cancelled here: please contact us.")
