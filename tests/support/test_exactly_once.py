"""The same payment delivered many times at once, by several web workers, is stored once: the
event log and the payment's unique id decide in the database, not in Python."""

import threading
from datetime import datetime, timezone

import pytest
from django.db import connection, connections

from samizdat.support.events import PaymentEvent, apply_event
from samizdat.support.models import Donation, ProcessedEvent, RecurringDonation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite's test database is in memory (shared cache), which refuses concurrent writers outright; "
        "the PostgreSQL pass runs these",
    ),
]

MOMENT = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def paid(event_id, payment_id="pi_1", subscription_id=""):
    return PaymentEvent(provider="stripe", event_id=event_id, kind="payment.succeeded", occurred_at=MOMENT,
                        payment_id=payment_id, subscription_id=subscription_id, amount=1000, currency="EUR",
                        frequency="monthly" if subscription_id else "once", email="ana@example.org")


def at_once(events):
    """Apply the events from as many threads as there are events, released together."""
    start = threading.Barrier(len(events))
    errors = []

    def deliver(event):
        try:
            start.wait()
            apply_event(event)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver, args=(event,)) for event in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def test_one_event_delivered_six_times_at_once_is_one_donation():
    errors = at_once([paid("evt_1")] * 6)
    assert errors == []
    assert Donation.objects.count() == 1 and ProcessedEvent.objects.count() == 1


def test_one_payment_in_six_different_events_at_once_is_one_donation():
    errors = at_once([paid(f"evt_{n}", subscription_id="sub_1") for n in range(6)])
    # Racing inserts of the same payment: the losers see the winner's row (get_or_create).
    assert errors == []
    assert ProcessedEvent.objects.count() == 6
    assert Donation.objects.count() == 1 and RecurringDonation.objects.count() == 1
    assert Donation.objects.get().amount == 1000
