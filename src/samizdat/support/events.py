"""Turning provider events into donations, exactly once.

Every provider's news arrives here as a PaymentEvent. Each event is applied in one transaction that
first records it in ProcessedEvent (unique per provider and event id): a second delivery of the
same event finds it there and changes nothing. A payment is stored once per provider payment id,
whichever event brings it first (a refund may arrive before the payment it refunds). Recurring
donations only move forward in time: an old status that arrives late doesn't undo a newer one.
"""

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Donation, Frequency, ProcessedEvent, RecurringDonation
from .tasks import send_receipt_task

logger = logging.getLogger(__name__)

# Far above any real payment (Stripe's own ceiling is eight digits) and well inside the 64-bit
# columns amounts are stored in: a larger one is a mistake, not a gift.
LARGEST_AMOUNT = 10**15
LONGEST_ID = 255  # the provider id columns
LONGEST_NAME = 200
LONGEST_EMAIL = 254


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


class UnusableEvent(ValueError):
    """An event we can't store as it is (an amount of 10^30, an id that is not text); nothing is
    changed. str() says what, never the payload's personal data."""


def _is_amount(value, smallest):
    return isinstance(value, int) and not isinstance(value, bool) and smallest <= value <= LARGEST_AMOUNT


def _is_text(value, longest=None):
    return isinstance(value, str) and (longest is None or len(value) <= longest)


def usable(event):
    """The event as it can be stored: amounts positive whole minor units below LARGEST_AMOUNT,
    a three-letter currency, ids that fit their columns. A name too long is shortened and an
    address too long to be real is left out, so the gift is still recorded. UnusableEvent if not."""
    if event.amount is not None and not _is_amount(event.amount, 1):
        raise UnusableEvent("an amount that is not a positive whole number we can store")
    if not _is_amount(event.refunded_amount, 0):
        raise UnusableEvent("a refunded amount that is not a whole number we can store")
    if not _is_text(event.currency) or (event.currency and not (len(event.currency) == 3 and event.currency.isascii() and event.currency.isalpha())):
        raise UnusableEvent("a currency that is not three letters")
    if not event.event_id or not all(_is_text(v, LONGEST_ID) for v in (event.event_id, event.payment_id, event.subscription_id)):
        raise UnusableEvent("an id that is missing, not text or too long")
    if not all(_is_text(v) for v in (event.kind, event.frequency, event.status, event.email, event.name)):
        raise UnusableEvent("a field that is not text")
    if not isinstance(event.occurred_at, datetime):
        raise UnusableEvent("a time that is not a time")
    return replace(event, name=event.name[:LONGEST_NAME], email=event.email if len(event.email) <= LONGEST_EMAIL else "")


def apply_event(event):
    """Apply one PaymentEvent; returns 'applied' or 'duplicate'. UnusableEvent, with nothing
    changed, for an event we can't store."""
    event = usable(event)
    if event.kind not in APPLY:
        raise UnusableEvent("a kind of event we don't know")
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProcessedEvent.objects.create(provider=event.provider, event_id=event.event_id, kind=event.kind)
        except IntegrityError:
            logger.info("%s event %s already processed", event.provider, event.event_id)
            return "duplicate"
        APPLY[event.kind](event)
    logger.info("%s event %s applied (%s)", event.provider, event.event_id, event.kind)
    return "applied"


def _recurring_for(event, create=True):
    """The recurring donation an event names, created from what the event knows if it is the first
    we hear of it (events may come in any order)."""
    recurring = RecurringDonation.objects.select_for_update().filter(
        provider=event.provider, provider_subscription_id=event.subscription_id
    ).first()
    if recurring is not None or not create or event.amount is None:
        return recurring
    frequency = event.frequency if event.frequency in (Frequency.MONTHLY, Frequency.ANNUAL) else Frequency.MONTHLY
    recurring, _ = RecurringDonation.objects.get_or_create(
        provider=event.provider,
        provider_subscription_id=event.subscription_id,
        defaults={
            "amount": event.amount, "currency": event.currency, "frequency": frequency,
            "email": event.email, "name": event.name, "status_at": event.occurred_at,
            "created_at": event.occurred_at, "discreet": event.discreet,
        },
    )
    return recurring


def _fill_in(obj, event, fields=("email", "name", "discreet")):
    """Details a later event knows that an earlier one didn't (an email, a name; discretion
    once asked for is kept)."""
    changed = [name for name in fields if not getattr(obj, name) and getattr(event, name)]
    for name in changed:
        setattr(obj, name, getattr(event, name))
    return changed


def payment_succeeded(event):
    recurring = _recurring_for(event) if event.subscription_id else None
    frequency = recurring.frequency if recurring else (event.frequency or Frequency.ONCE)
    donation, created = Donation.objects.get_or_create(
        provider=event.provider,
        provider_payment_id=event.payment_id,
        defaults={
            "amount": event.amount, "currency": event.currency, "frequency": frequency,
            "provider_event_id": event.event_id, "status": Donation.Status.PAID,
            "email": event.email or (recurring.email if recurring else ""),
            "name": event.name or (recurring.name if recurring else ""),
            "recurring": recurring, "created_at": event.occurred_at, "confirmed_at": timezone.now(),
            "discreet": event.discreet or bool(recurring and recurring.discreet),
        },
    )
    if not created:
        # Known already: from a refund that came first, or a pending record. Paid stays paid,
        # refunded stays refunded.
        changed = _fill_in(donation, event)
        if recurring and recurring.discreet and not donation.discreet:
            donation.discreet = True
            changed.append("discreet")
        if donation.status in (Donation.Status.PENDING, Donation.Status.FAILED):
            donation.status, donation.confirmed_at = Donation.Status.PAID, timezone.now()
            changed += ["status", "confirmed_at"]
        if recurring and donation.recurring_id is None:
            donation.recurring, donation.frequency = recurring, recurring.frequency
            changed += ["recurring", "frequency"]
        if not donation.provider_event_id:
            donation.provider_event_id = event.event_id
            changed.append("provider_event_id")
        if changed:
            donation.save(update_fields=changed)
    if recurring:
        _fill_in(recurring, event)
        if recurring.status == RecurringDonation.Status.PAST_DUE and event.occurred_at >= recurring.status_at:
            recurring.status, recurring.status_at = RecurringDonation.Status.ACTIVE, event.occurred_at
        recurring.save()
    if donation.status == Donation.Status.PAID and donation.receipt_sent_at is None:
        # Queued in the same transaction (the database queue stores it with the donation).
        send_receipt_task.enqueue(donation.pk)


def payment_refunded(event):
    donation, created = Donation.objects.get_or_create(
        provider=event.provider,
        provider_payment_id=event.payment_id,
        defaults={
            "amount": event.amount, "currency": event.currency, "frequency": event.frequency or Frequency.ONCE,
            "status": Donation.Status.REFUNDED, "refunded_amount": event.refunded_amount or event.amount,
            "email": event.email, "created_at": event.occurred_at,
        },
    )
    if created:
        logger.info("%s refund arrived before its payment; recorded as refunded", event.provider)
        return
    refunded = max(donation.refunded_amount, event.refunded_amount or donation.amount)
    donation.refunded_amount = min(refunded, donation.amount)
    if donation.refunded_amount >= donation.amount:
        donation.status = Donation.Status.REFUNDED
    donation.save(update_fields=["refunded_amount", "status"])


def recurring_started(event):
    recurring = _recurring_for(event)
    if recurring is not None and _fill_in(recurring, event):
        recurring.save()


def _move_status(recurring, status, event):
    """Change the status if this news is newer than what we know; cancelled is final."""
    if recurring.status == RecurringDonation.Status.CANCELLED or event.occurred_at < recurring.status_at:
        return False
    recurring.status, recurring.status_at = status, event.occurred_at
    if status == RecurringDonation.Status.CANCELLED:
        recurring.cancelled_at = event.occurred_at
    return True


def recurring_updated(event):
    recurring = _recurring_for(event)
    if recurring is None:
        logger.info("%s update for a recurring donation we don't know yet; ignored", event.provider)
        return
    if event.occurred_at >= recurring.status_at and recurring.status != RecurringDonation.Status.CANCELLED:
        if event.amount:
            recurring.amount = event.amount
        if event.frequency in (Frequency.MONTHLY, Frequency.ANNUAL):
            recurring.frequency = event.frequency
    if event.status:
        _move_status(recurring, event.status, event)
    recurring.save()


def recurring_cancelled(event):
    recurring = _recurring_for(event, create=False)
    if recurring is None:
        logger.info("%s cancellation for a recurring donation we don't know; ignored", event.provider)
        return
    if recurring.status != RecurringDonation.Status.CANCELLED:
        recurring.status, recurring.cancelled_at = RecurringDonation.Status.CANCELLED, event.occurred_at
        recurring.status_at = max(recurring.status_at, event.occurred_at)
        recurring.save()


def recurring_payment_failed(event):
    recurring = _recurring_for(event, create=False)
    if recurring is not None and _move_status(recurring, RecurringDonation.Status.PAST_DUE, event):
        recurring.save()


APPLY = {
    "payment.succeeded": payment_succeeded,
    "payment.refunded": payment_refunded,
    "recurring.started": recurring_started,
    "recurring.updated": recurring_updated,
    "recurring.cancelled": recurring_cancelled,
    "recurring.payment_failed": recurring_payment_failed,
}
