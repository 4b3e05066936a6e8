"""Stripe webhooks that are correctly signed but carry what we can't store: refused with a 400 and
nothing recorded, never a 500 (which Stripe would retry for days). What can be stored is kept."""

import json

import pytest
from django.test import Client

from samizdat.support.models import Donation, ProcessedEvent, RecurringDonation

from .fake_stripe import charge, checkout_session, event, invoice, sign, subscription

pytestmark = pytest.mark.django_db

HUGE = 10**30


@pytest.fixture
def stripe_client(fake_stripe):
    return Client(raise_request_exception=False)


def post_signed(client, payload):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post("/support/webhooks/stripe/", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body))


def nothing_recorded():
    return not Donation.objects.exists() and not RecurringDonation.objects.exists() and not ProcessedEvent.objects.exists()


@pytest.mark.parametrize("signed", [
    event("checkout.session.completed", checkout_session(amount=HUGE)),
    event("checkout.session.completed", checkout_session(mode="subscription", subscription="sub_1", amount=HUGE)),
    event("invoice.paid", invoice(amount=HUGE)),
    event("charge.refunded", charge(amount=HUGE, refunded=HUGE)),
    event("charge.refunded", charge(amount=2500, refunded=HUGE)),
    event("customer.subscription.updated", subscription(amount=HUGE)),
], ids=["gift", "monthly", "renewal", "refund", "refunded-amount", "new-amount"])
def test_a_signed_event_with_an_amount_of_ten_to_the_thirty_is_refused_and_records_nothing(stripe_client, signed):
    response = post_signed(stripe_client, signed)
    assert response.status_code == 400 and response.content == b"rejected\n"
    assert nothing_recorded()


@pytest.mark.parametrize("payload", ["[1, 2]", "[]", '"an event"', "null", "12", "true", "[" * 50_000 + "]" * 50_000,
                                     '{"id": "evt_1", "type": "charge.refunded", "created": 1, "data": []}'])
def test_a_signed_payload_that_is_not_an_event_object_is_refused(stripe_client, payload):
    response = post_signed(stripe_client, payload)
    assert response.status_code == 400 and response.content == b"rejected\n"
    assert nothing_recorded()


def test_a_signed_gift_with_a_name_too_long_for_us_is_still_recorded_with_the_name_shortened(stripe_client):
    response = post_signed(stripe_client, event("checkout.session.completed", checkout_session(name="Ana " * 2000, email="a" * 300 + "@example.org")))
    assert response.status_code == 200
    donation = Donation.objects.get()
    assert donation.amount == 2500 and len(donation.name) == 200 and donation.email == ""


HOSTILE_JSON = [HUGE, -1, 0, 1.5, True, None, "²", "٣", "x" * 5000, [], {}, [[{}]], {"id": []}]
EVENTS = {
    "checkout.session.completed": checkout_session(),
    "checkout.session.async_payment_succeeded": checkout_session(payment_intent="pi_2"),
    "invoice.paid": invoice(),
    "invoice.payment_failed": invoice(invoice_id="in_f"),
    "customer.subscription.updated": subscription(),
    "customer.subscription.deleted": subscription(status="canceled"),
    "charge.refunded": charge(),
}


def test_signed_events_with_any_field_of_any_wrong_type_never_answer_500_nor_store_junk(stripe_client, fake_stripe):
    """Every field of every event we read, and the event's own, given each hostile value in turn."""
    fake_stripe.invoices["in_1"] = invoice()
    answers = []
    for kind, obj in EVENTS.items():
        for key in [*obj, "id", "created", "type", "data"]:
            for value in HOSTILE_JSON:
                signed = event(kind, dict(obj))
                if key in obj:
                    signed["data"]["object"][key] = value
                else:
                    signed[key] = value
                answers.append((post_signed(stripe_client, signed).status_code, kind, key, repr(value)[:30]))
    assert [a for a in answers if a[0] >= 500] == []
    assert {status for status, *_ in answers} <= {200, 400}
    for donation in Donation.objects.all():
        assert 0 < donation.amount <= 10**15 and len(donation.currency) == 3, donation.pk
    for recurring in RecurringDonation.objects.all():
        assert 0 < recurring.amount <= 10**15, recurring.pk
