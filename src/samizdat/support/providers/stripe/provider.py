"""Stripe Checkout for one-off gifts (payment mode) and monthly or annual ones (subscription mode),
through the official SDK. The reader pays on Stripe's page, so no Stripe script runs on ours and
card data never reaches us. Webhooks: webhooks.py."""

import logging

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from samizdat.support.models import Frequency
from samizdat.support.providers.base import Provider
from samizdat.support.providers.errors import ProviderUnavailable

from .conf import checkout_origin, client, secret_key
from .payloads import id_of
from .webhooks import StripeWebhook

logger = logging.getLogger(__name__)

INTERVALS = {Frequency.MONTHLY: "month", Frequency.ANNUAL: "year"}
UNREACHABLE = _("We couldn't reach our card payment provider just now. Nothing was charged: please try again in a few minutes.")
UNREACHABLE_NOTHING_CHANGED = _("We couldn't reach our card payment provider just now. Nothing changed: please try again in a few minutes.")
REFUSED = _("Our card payment provider couldn't start the payment. Nothing was charged: please try again, or choose another way to pay.")
CANCEL_REFUSED = _("Our payment provider couldn't cancel it just now. Please try again later.")


class StripeProvider(Provider):
    name = "stripe"
    label = _("Card and more (Stripe)")
    webhook = StripeWebhook

    def is_available(self):
        return bool(secret_key())

    def checkout_origins(self):
        return (checkout_origin(),) if self.is_available() else ()

    def start_checkout(self, request, urls):
        metadata = {"samizdat_frequency": request.frequency}
        if request.discreet:
            metadata["samizdat_discreet"] = "1"
        price = {
            "currency": request.currency.lower(),
            "unit_amount": request.amount,
            "product_data": {"name": f"Donation ({request.frequency})"},
        }
        params = {
            "line_items": [{"price_data": price, "quantity": 1}],
            "success_url": urls.success,
            "cancel_url": urls.cancel,
            "metadata": metadata,
        }
        if request.email:
            params["customer_email"] = request.email
        if request.recurring:
            price["recurring"] = {"interval": INTERVALS[request.frequency]}
            params["mode"] = "subscription"
            params["subscription_data"] = {"metadata": metadata}
        else:
            params["mode"] = "payment"
            params["submit_type"] = "donate"
            params["payment_intent_data"] = {"metadata": metadata}
            if request.discreet:
                # Cards take a suffix to the account's prefix (a full statement_descriptor is
                # refused for card charges); subscriptions have no such parameter at Checkout, so
                # monthly and annual gifts show the account's descriptor (docs/security.md).
                params["payment_intent_data"]["statement_descriptor_suffix"] = discreet_descriptor()
        try:
            session = client().v1.checkout.sessions.create(params)
        except stripe.APIConnectionError:
            logger.warning("Stripe could not be reached to start a checkout")
            raise ProviderUnavailable(UNREACHABLE) from None
        except stripe.StripeError as error:
            logger.warning("Stripe refused to start a checkout (%s)", type(error).__name__)
            raise ProviderUnavailable(REFUSED) from None
        if not getattr(session, "url", None):
            raise ProviderUnavailable(REFUSED)
        return session.url

    def change_amount(self, recurring, amount):
        stripe_client = client()
        try:
            subscription = stripe_client.v1.subscriptions.retrieve(recurring.provider_subscription_id)
            item = subscription["items"]["data"][0]
            stripe_client.v1.subscriptions.update(
                recurring.provider_subscription_id,
                {
                    "items": [{
                        "id": item["id"],
                        "price_data": {
                            "currency": recurring.currency.lower(),
                            "unit_amount": amount,
                            "product": id_of(item["price"]["product"]),
                            "recurring": {"interval": INTERVALS[recurring.frequency]},
                        },
                    }],
                    "proration_behavior": "none",
                },
            )
        except stripe.APIConnectionError:
            raise ProviderUnavailable(UNREACHABLE_NOTHING_CHANGED) from None
        except (stripe.StripeError, KeyError, IndexError, TypeError):
            logger.warning("Stripe refused to change a subscription's amount")
            raise ProviderUnavailable(_("Our payment provider couldn't change the amount. Nothing changed: please try again later.")) from None

    def cancel(self, recurring):
        try:
            client().v1.subscriptions.cancel(recurring.provider_subscription_id)
        except stripe.APIConnectionError:
            raise ProviderUnavailable(UNREACHABLE_NOTHING_CHANGED) from None
        except stripe.InvalidRequestError as error:
            if getattr(error, "code", "") == "resource_missing":
                return  # already gone at Stripe
            raise ProviderUnavailable(CANCEL_REFUSED) from None
        except stripe.StripeError:
            raise ProviderUnavailable(CANCEL_REFUSED) from None


def discreet_descriptor():
    """SUPPORT_DISCREET_DESCRIPTOR as Stripe takes it: at most 22 characters, without the
    characters it refuses (angle brackets, backslash, quotes, asterisk)."""
    text = "".join(c for c in settings.SUPPORT_DISCREET_DESCRIPTOR if c not in "<>\\'\"*").strip()
    return text[:22] or "ONLINE SERVICES"


