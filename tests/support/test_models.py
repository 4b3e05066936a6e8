"""The database itself refuses a payment stored twice or a donation of nothing."""

import pytest
from django.db import IntegrityError, transaction

from samizdat.support.models import Donation, ProcessedEvent, RecurringDonation

pytestmark = pytest.mark.django_db


def donation(**fields):
    values = {"amount": 1000, "currency": "EUR", "provider": "stripe", "provider_payment_id": "pi_1", "email": "ana@example.org"}
    return Donation.objects.create(**{**values, **fields})


def test_a_provider_payment_is_stored_once():
    donation()
    with pytest.raises(IntegrityError), transaction.atomic():
        donation()
    assert donation(provider="test").pk  # another provider's payment with the same id is another payment


def test_the_event_that_confirmed_a_donation_confirms_only_one():
    donation(provider_event_id="evt_1")
    donation(provider_payment_id="pi_2")  # no event id: allowed many times
    donation(provider_payment_id="pi_3")
    with pytest.raises(IntegrityError), transaction.atomic():
        donation(provider_payment_id="pi_4", provider_event_id="evt_1")


def test_an_event_is_processed_once_and_a_subscription_stored_once():
    ProcessedEvent.objects.create(provider="stripe", event_id="evt_1", kind="payment.succeeded")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessedEvent.objects.create(provider="stripe", event_id="evt_1", kind="payment.succeeded")
    RecurringDonation.objects.create(provider="stripe", provider_subscription_id="sub_1", amount=500, currency="EUR", frequency="monthly")
    with pytest.raises(IntegrityError), transaction.atomic():
        RecurringDonation.objects.create(provider="stripe", provider_subscription_id="sub_1", amount=500, currency="EUR", frequency="monthly")


def test_a_donation_of_nothing_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        donation(amount=0)
