"""`stripe`: Stripe Checkout for one-off gifts (payment mode) and monthly or annual ones
(subscription mode), through the official SDK. The reader pays on Stripe's page, so no Stripe
script runs on ours and card data never reaches us.

Webhooks are verified with Stripe's signature scheme (stripe.Webhook.construct_event) before
anything is read, then turned into PaymentEvents. Both the older payload shapes (invoice.subscription,
invoice.payment_intent) and the newer ones (invoice.parent.subscription_details, invoice.payments)
are read.
"""

import json
import logging
from datetime import datetime, timezone as dt_timezone

import stripe
from django.conf import settings

from ..models import Frequency, RecurringDonation
from .base import PaymentEvent, Provider, ProviderUnavailable, WebhookRejected

logger = logging.getLogger(__name__)

INTERVALS = {Frequency.MONTHLY: "month", Frequency.ANNUAL: "year"}
FREQUENCY_OF_INTERVAL = {"month": Frequency.MONTHLY, "year": Frequency.ANNUAL}
STATUSES = {
    "active": RecurringDonation.Status.ACTIVE,
    "trialing": RecurringDonation.Status.ACTIVE,
    "past_due": RecurringDonation.Status.PAST_DUE,
    "unpaid": RecurringDonation.Status.PAST_DUE,
    "incomplete": RecurringDonation.Status.PAST_DUE,
    "paused": RecurringDonation.Status.PAST_DUE,
    "canceled": RecurringDonation.Status.CANCELLED,
    "incomplete_expired": RecurringDonation.Status.CANCELLED,
}
UNREACHABLE = "We couldn't reach our card payment provider just now. Nothing was charged: please try again in a few minutes."
REFUSED = "Our card payment provider couldn't start the payment. Nothing was charged: please try again, or choose another way to pay."


def client():
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=1,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT),
    )


class StripeProvider(Provider):
    name = "stripe"
    label = "Card and more (Stripe)"

    def is_available(self):
        return bool(settings.STRIPE_SECRET_KEY)

    def checkout_origins(self):
        return (settings.STRIPE_CHECKOUT_ORIGIN,) if self.is_available() else ()

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

    def parse_webhook(self, body, headers):
        signature = headers.get("Stripe-Signature", "")
        if not settings.STRIPE_WEBHOOK_SECRET:
            raise WebhookRejected("STRIPE_WEBHOOK_SECRET is not set")
        try:
            # The signature alone, then our own reading: construct_event assumes the payload is a
            # JSON object and fails on a list with an AttributeError of its own.
            stripe.WebhookSignature.verify_header(body, signature, settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE)
            event = json.loads(body)
        except stripe.SignatureVerificationError:
            raise WebhookRejected("bad or missing Stripe-Signature") from None
        except (ValueError, RecursionError):  # RecursionError: arrays nested deeper than the stack
            raise WebhookRejected("not JSON") from None
        if not isinstance(event, dict):
            raise WebhookRejected(f"a JSON {type(event).__name__} where an event object belongs")
        try:
            obj = event["data"]["object"]
            handler = HANDLERS.get(event["type"])
            if handler is None:
                return []
            found = handler(event, obj)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError, OSError) as error:
            raise WebhookRejected(f"a {type(error).__name__} reading the event") from None
        return [found] if found else []

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
                            "product": _id(item["price"]["product"]),
                            "recurring": {"interval": INTERVALS[recurring.frequency]},
                        },
                    }],
                    "proration_behavior": "none",
                },
            )
        except stripe.APIConnectionError:
            raise ProviderUnavailable(UNREACHABLE.replace("Nothing was charged", "Nothing changed")) from None
        except (stripe.StripeError, KeyError, IndexError, TypeError):
            logger.warning("Stripe refused to change a subscription's amount")
            raise ProviderUnavailable("Our payment provider couldn't change the amount. Nothing changed: please try again later.") from None

    def cancel(self, recurring):
        try:
            client().v1.subscriptions.cancel(recurring.provider_subscription_id)
        except stripe.APIConnectionError:
            raise ProviderUnavailable(UNREACHABLE.replace("Nothing was charged", "Nothing changed")) from None
        except stripe.InvalidRequestError as error:
            if getattr(error, "code", "") == "resource_missing":
                return  # already gone at Stripe
            raise ProviderUnavailable("Our payment provider couldn't cancel it just now. Please try again later.") from None
        except stripe.StripeError:
            raise ProviderUnavailable("Our payment provider couldn't cancel it just now. Please try again later.") from None


def discreet_descriptor():
    """SUPPORT_DISCREET_DESCRIPTOR as Stripe takes it: at most 22 characters, without the
    characters it refuses (angle brackets, backslash, quotes, asterisk)."""
    text = "".join(c for c in settings.SUPPORT_DISCREET_DESCRIPTOR if c not in "<>\\'\"*").strip()
    return text[:22] or "ONLINE SERVICES"


def _discreet(*metadatas):
    return any((metadata or {}).get("samizdat_discreet") == "1" for metadata in metadatas)


def _id(value):
    """A field that is an id, or the expanded object carrying one."""
    if isinstance(value, dict):
        return value.get("id", "")
    return value or ""


def _moment(event):
    return datetime.fromtimestamp(int(event["created"]), tz=dt_timezone.utc)


def _currency(value):
    return (value or "").upper()


def _frequency(metadata, default=Frequency.ONCE):
    value = (metadata or {}).get("samizdat_frequency", "")
    return value if value in Frequency.values else default


def _common(event):
    return {"provider": "stripe", "event_id": event["id"], "occurred_at": _moment(event)}


def checkout_completed(event, session):
    """A Checkout Session finished. One-off: the gift is paid (unless the method is slow, like a
    bank debit: then checkout.session.async_payment_succeeded says so later). Subscription: the
    recurring donation starts; its payments arrive as invoice.paid."""
    details = session.get("customer_details") or {}
    email = details.get("email") or session.get("customer_email") or ""
    name = details.get("name") or ""
    if session.get("mode") == "subscription":
        if not _id(session.get("subscription")):
            return None
        return PaymentEvent(
            kind="recurring.started", subscription_id=_id(session.get("subscription")),
            amount=session["amount_total"], currency=_currency(session["currency"]),
            frequency=_frequency(session.get("metadata"), Frequency.MONTHLY), email=email, name=name,
            discreet=_discreet(session.get("metadata")), **_common(event),
        )
    if session.get("mode") != "payment" or session.get("payment_status") != "paid":
        return None
    return PaymentEvent(
        kind="payment.succeeded", payment_id=_id(session.get("payment_intent")) or session["id"],
        amount=session["amount_total"], currency=_currency(session["currency"]),
        frequency=Frequency.ONCE, email=email, name=name, discreet=_discreet(session.get("metadata")), **_common(event),
    )


def _invoice_subscription(invoice):
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return _id(invoice.get("subscription")) or _id(details.get("subscription"))


def _invoice_payment(invoice):
    """The PaymentIntent that paid an invoice (so a refund finds it); the invoice's id otherwise."""
    if invoice.get("payment_intent"):
        return _id(invoice["payment_intent"])
    for payment in ((invoice.get("payments") or {}).get("data") or []):
        intent = (payment.get("payment") or {}).get("payment_intent")
        if intent:
            return _id(intent)
    return invoice["id"]


def _invoice_frequency(invoice):
    for line in ((invoice.get("lines") or {}).get("data") or []):
        price = line.get("price") or (line.get("pricing") or {}).get("price_details") or {}
        interval = ((price.get("recurring") or {}) if isinstance(price, dict) else {}).get("interval")
        if interval in FREQUENCY_OF_INTERVAL:
            return FREQUENCY_OF_INTERVAL[interval]
        metadata = line.get("metadata") or {}
        if metadata.get("samizdat_frequency") in (Frequency.MONTHLY, Frequency.ANNUAL):
            return metadata["samizdat_frequency"]
    parent = invoice.get("parent") or {}
    return _frequency((parent.get("subscription_details") or {}).get("metadata"), Frequency.MONTHLY)


def _paid_by(invoice):
    """The PaymentIntent that paid an invoice. The 2025+ layout leaves the invoice's payments out
    of webhooks; without them a later refund (charge.refunded names the PaymentIntent) couldn't find
    the donation, so we ask Stripe. Stripe unreachable: ProviderUnavailable, and the webhook answers
    503 so that Stripe delivers it again later."""
    found = _invoice_payment(invoice)
    if found != invoice["id"] or invoice.get("payment_intent") or invoice.get("payments") is not None:
        return found
    try:
        expanded = client().v1.invoices.retrieve(invoice["id"], {"expand": ["payments"]})
    except stripe.StripeError:
        logger.warning("Stripe could not be asked which payment paid an invoice; the webhook will come again")
        raise ProviderUnavailable("Stripe is unreachable") from None
    return _invoice_payment(expanded.to_dict() if hasattr(expanded, "to_dict") else dict(expanded))


def invoice_paid(event, invoice):
    """Each payment of a recurring donation, the first one included, is its own donation."""
    subscription = _invoice_subscription(invoice)
    if not subscription or not invoice.get("amount_paid"):
        return None
    return PaymentEvent(
        kind="payment.succeeded", payment_id=_paid_by(invoice), subscription_id=subscription,
        amount=invoice["amount_paid"], currency=_currency(invoice["currency"]), frequency=_invoice_frequency(invoice),
        email=invoice.get("customer_email") or "", name=invoice.get("customer_name") or "",
        discreet=_discreet(((invoice.get("parent") or {}).get("subscription_details") or {}).get("metadata"),
                           (invoice.get("subscription_details") or {}).get("metadata")),
        **_common(event),
    )


def invoice_payment_failed(event, invoice):
    subscription = _invoice_subscription(invoice)
    if not subscription:
        return None
    return PaymentEvent(kind="recurring.payment_failed", subscription_id=subscription, **_common(event))


def _subscription_amount(subscription):
    items = (subscription.get("items") or {}).get("data") or []
    if not items:
        return None, None
    price = items[0].get("price") or {}
    quantity = items[0].get("quantity") or 1
    interval = (price.get("recurring") or {}).get("interval")
    amount = price.get("unit_amount")
    return (amount * quantity if isinstance(amount, int) else None), FREQUENCY_OF_INTERVAL.get(interval, "")


def subscription_updated(event, subscription):
    amount, frequency = _subscription_amount(subscription)
    return PaymentEvent(
        kind="recurring.updated", subscription_id=subscription["id"], amount=amount,
        currency=_currency(subscription.get("currency")), frequency=frequency,
        status=STATUSES.get(subscription.get("status"), ""), **_common(event),
    )


def subscription_deleted(event, subscription):
    return PaymentEvent(kind="recurring.cancelled", subscription_id=subscription["id"], **_common(event))


def charge_refunded(event, charge):
    return PaymentEvent(
        kind="payment.refunded", payment_id=_id(charge.get("payment_intent")) or _id(charge.get("invoice")) or charge["id"],
        amount=charge["amount"], currency=_currency(charge["currency"]), refunded_amount=charge.get("amount_refunded") or 0,
        frequency=_frequency(charge.get("metadata")), email=(charge.get("billing_details") or {}).get("email") or "",
        **_common(event),
    )


HANDLERS = {
    "checkout.session.completed": checkout_completed,
    "checkout.session.async_payment_succeeded": checkout_completed,
    "invoice.paid": invoice_paid,
    "invoice.payment_failed": invoice_payment_failed,
    "customer.subscription.updated": subscription_updated,
    "customer.subscription.deleted": subscription_deleted,
    "charge.refunded": charge_refunded,
}
