"""Stripe's events as PaymentEvents. Both the older payload shapes (invoice.subscription,
invoice.payment_intent) and the newer ones (invoice.parent.subscription_details, invoice.payments)
are read. Only webhooks.py calls these, with events whose signature it has checked."""

import logging
from datetime import datetime, timezone as dt_timezone

import stripe

from samizdat.support.events import PaymentEvent
from samizdat.support.models import Frequency, RecurringDonation
from samizdat.support.providers.errors import ProviderUnavailable

from .conf import client

logger = logging.getLogger(__name__)

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


def _discreet(*metadatas):
    return any((metadata or {}).get("samizdat_discreet") == "1" for metadata in metadatas)


def id_of(value):
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
        if not id_of(session.get("subscription")):
            return None
        return PaymentEvent(
            kind="recurring.started", subscription_id=id_of(session.get("subscription")),
            amount=session["amount_total"], currency=_currency(session["currency"]),
            frequency=_frequency(session.get("metadata"), Frequency.MONTHLY), email=email, name=name,
            discreet=_discreet(session.get("metadata")), **_common(event),
        )
    if session.get("mode") != "payment" or session.get("payment_status") != "paid":
        return None
    return PaymentEvent(
        kind="payment.succeeded", payment_id=id_of(session.get("payment_intent")) or session["id"],
        amount=session["amount_total"], currency=_currency(session["currency"]),
        frequency=Frequency.ONCE, email=email, name=name, discreet=_discreet(session.get("metadata")), **_common(event),
    )


def _invoice_subscription(invoice):
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return id_of(invoice.get("subscription")) or id_of(details.get("subscription"))


def _invoice_payment(invoice):
    """The PaymentIntent that paid an invoice (so a refund finds it); the invoice's id otherwise."""
    if invoice.get("payment_intent"):
        return id_of(invoice["payment_intent"])
    for payment in ((invoice.get("payments") or {}).get("data") or []):
        intent = (payment.get("payment") or {}).get("payment_intent")
        if intent:
            return id_of(intent)
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
        kind="payment.refunded", payment_id=id_of(charge.get("payment_intent")) or id_of(charge.get("invoice")) or charge["id"],
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
