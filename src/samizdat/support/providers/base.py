"""The one small interface every payment provider implements.

A provider starts a checkout (returns where to send the reader), may change a recurring donation's
amount and cancel it, and names the view its webhooks go to (providers/webhooks.py: verified
first, then turned into PaymentEvents). Everything after that (storing a donation exactly once,
receipts) is the same for every provider: see support/events.py.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import Frequency
from .errors import ProviderUnavailable
from .webhooks import WebhookView


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


class Provider:
    name = ""  # in the webhook's address (/support/webhooks/<name>/) and on its donations
    label = ""  # what readers see on the form: "Card (Stripe)"
    frequencies = (Frequency.ONCE, Frequency.MONTHLY, Frequency.ANNUAL)
    webhook = WebhookView  # the base view refuses every request: a provider without webhooks gets none
    moves_money = True  # False: its gifts are demos and never count as revenue
    confirmed_by_staff = False  # True: its gifts wait, pending, until staff confirm they arrived

    def is_available(self):
        """Configured and switched on; the form offers only available providers."""
        return False

    def refusal(self):
        """Why a reader may not choose this provider even by naming it, or "" (the form then
        only checks it is offered)."""
        return ""

    def checkout_origins(self):
        """Sites start_checkout may send the reader to from the donate form (a redirect after the
        form's POST, which the page's form-action must allow)."""
        return ()

    def start_checkout(self, request: DonationRequest, urls: ReturnUrls) -> str:
        """Begin paying; returns the address to send the reader to. Records nothing as paid."""
        raise NotImplementedError

    def change_amount(self, recurring, amount):
        """Ask the provider to charge `amount` (minor units) from the next payment on."""
        raise ProviderUnavailable(_("This payment method can't change the amount: please contact us."))

    def cancel(self, recurring):
        """Ask the provider to stop the recurring donation at once."""
        raise ProviderUnavailable(_("This payment method can't be cancelled here: please contact us."))
