"""Tokens never reach the logs: a reader's signed links (which never expire) and their address
stay out of every log record, through signup, confirmation, preferences, unsubscribe, donating and
managing a donation, including the answers Django logs as 4xx."""

import logging

import pytest

from samizdat.core.logs import redact
from samizdat.newsletter.models import Newsletter, Subscriber, Subscription
from samizdat.newsletter.tokens import confirm_token, preferences_token, unsubscribe_token
from samizdat.support.manage_links import manage_token
from samizdat.support.models import RecurringDonation
from samizdat.support.providers.test.models import TestPaymentSettings
from tests.support.conftest import staff_set

pytestmark = pytest.mark.django_db

EMAIL = "ana.secret@example.org"


def test_redact_takes_out_signed_values_and_addresses():
    line = "Bad Request: /newsletter/preferences/12:AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg/ for ana@example.org"
    assert redact(line) == "Bad Request: /newsletter/preferences/[token]/ for [address]"
    assert redact("Not Found: /news/harbour-cranes/") == "Not Found: /news/harbour-cranes/"


def test_no_token_and_no_address_in_any_log_record(client, caplog, settings):
    settings.SUPPORT_TEST_PAYMENTS = True
    staff_set(TestPaymentSettings, enabled=True)
    caplog.set_level(logging.DEBUG)
    week = Newsletter.objects.create(name="The Week", slug="the-week")
    tokens = []

    client.post("/newsletter/signup/", {"email": EMAIL, "newsletter": "the-week"})
    subscriber = Subscriber.objects.get(email=EMAIL)
    subscription = Subscription.objects.get()
    tokens.append(confirm_token(subscription.pk))
    client.get(f"/newsletter/confirm/{tokens[-1]}/")
    client.post(f"/newsletter/confirm/{tokens[-1]}/")
    tokens.append(preferences_token(subscriber.pk))
    client.post(f"/newsletter/preferences/{tokens[-1]}/", {"newsletter": "²"})  # a 400, which Django logs
    tokens.append(unsubscribe_token(subscriber.pk, week.pk))
    client.post(f"/newsletter/unsubscribe/{tokens[-1]}/")
    client.get(f"/newsletter/unsubscribe/{tokens[-1]}x/")  # damaged: 400

    checkout = client.post("/support/donate/", {"frequency": "monthly", "currency": "EUR", "amount_monthly": "10",
                                                "provider": "test", "email": EMAIL})["Location"]
    tokens.append(checkout.rstrip("/").rsplit("/", 1)[-1])
    client.post(checkout, {"outcome": "decline", "email": EMAIL, "name": "Ana"})  # a 402
    client.post(checkout, {"outcome": "pay", "email": EMAIL, "name": "Ana"})
    tokens.append(manage_token(RecurringDonation.objects.get()))
    client.post(f"/support/manage/{tokens[-1]}/", {"action": "nonsense"})  # a 400
    client.post("/support/manage/", {"email": EMAIL})
    client.get(f"/support/manage/{tokens[-1]}broken/")  # a 410

    assert any(r.name == "django.request" for r in caplog.records), "the 4xx answers were logged"
    for record in caplog.records:
        text = record.getMessage()
        assert EMAIL not in text and "ana.secret" not in text, f"{record.name}: {text}"
        for token in tokens:
            assert token not in text and token.split(":")[-1] not in text, f"{record.name}: {text}"
