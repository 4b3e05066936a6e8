"""Card testing and fake gifts: checkouts started and manual gifts reported are limited per client,
answered 429 past the limit; Stripe's webhook never takes an unsigned event."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from samizdat.support.models import Donation
from samizdat.support.providers.manual.models import ManualPaymentSettings

from .conftest import donate, post_webhook, staff_set
from .fake_stripe import checkout_session, event

pytestmark = pytest.mark.django_db


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def donate_from(client, address, **fields):
    """The donate form as conftest.donate sends it, from the given client address."""
    data = {"frequency": "once", "currency": "EUR", "amount_once": "10", "provider": "stripe", "email": "", **fields}
    return client.post("/support/donate/", data, REMOTE_ADDR=address)


def test_50_donate_posts_create_checkout_sessions_only_up_to_the_limit(client, fake_stripe, settings):
    settings.LIMIT_DONATIONS_PER_CLIENT = "10/d"
    answers = [donate_from(client, "203.0.113.66", amount_once="1") for _ in range(50)]
    assert [a.status_code for a in answers] == [303] * 10 + [429] * 40
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 10
    page = answers[-1]
    assert "Too many tries" in text(page) and int(page["Retry-After"]) > 0
    # A reader elsewhere gives as usual.
    other = donate_from(client, "198.51.100.7", amount_once="25")
    assert other.status_code == 303
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 11


def test_a_reader_who_corrects_the_form_a_few_times_is_not_blocked(client, fake_stripe):
    for amount in ("abc", "0.1", "", "25"):
        response = donate(client, provider="stripe", frequency="once", amount_once="other", other_amount=amount)
    assert response.status_code == 303


def test_reading_the_support_page_is_never_limited(client, fake_stripe, settings):
    settings.LIMIT_DONATIONS_PER_CLIENT = "1/d"
    donate(client, provider="stripe", frequency="once", amount_once="5")
    assert all(client.get("/support/").status_code == 200 for _ in range(5))


@pytest.fixture
def manual(test_payments):
    return staff_set(ManualPaymentSettings, bank_transfer_details="Lindenport Courier Cooperative\nIBAN DE89 3704 0044 0532 0130 00")


def report_gift(client, n, **headers):
    started = donate_from(client, "198.51.100.99", provider="manual", amount_once="25")
    return client.post(started["Location"], {"amount": "25", "method": "Bank transfer", "email": f"donor{n}@example.org",
                                             "name": f"Someone {n}"}, **headers)


def test_25_manual_gifts_from_one_client_get_429_after_the_limit(client, manual, settings):
    settings.LIMIT_MANUAL_GIFTS_PER_CLIENT = "5/d"
    settings.LIMIT_DONATIONS_PER_CLIENT = None  # the transfer pages are opened from elsewhere: the gifts' limit alone
    answers = [report_gift(client, n, REMOTE_ADDR="203.0.113.66") for n in range(25)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 20
    assert Donation.objects.count() == 5
    assert report_gift(client, 99, REMOTE_ADDR="198.51.100.8").status_code == 200  # someone else
    assert Donation.objects.count() == 6


def test_the_transfer_page_itself_is_not_limited(client, manual, settings):
    settings.LIMIT_MANUAL_GIFTS_PER_CLIENT = "1/d"
    started = donate(client, provider="manual", frequency="once", amount_once="25")
    assert all(client.get(started["Location"]).status_code == 200 for _ in range(5))


@pytest.mark.parametrize("fields", [{"amount_once": "\x00"}, {"provider": "x" * 10_000}, {"currency": "€€"}, {}])
def test_garbled_donations_past_the_limit_are_still_no_500(client, fake_stripe, settings, fields):
    settings.LIMIT_DONATIONS_PER_CLIENT = "2/d"
    answers = [client.post("/support/donate/", fields) for _ in range(4)]
    assert [a.status_code for a in answers][2:] == [429, 429]
    assert all(a.status_code < 500 for a in answers)


def test_without_a_webhook_secret_stripe_events_are_refused(client, fake_stripe, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    completed = event("checkout.session.completed", checkout_session(email="ana@example.org"))
    for signature in ("", "t=1,v1=abc"):
        assert post_webhook(client, completed, signature=signature).status_code == 400
    assert post_webhook(client, completed, secret="").status_code == 400  # signed with an empty key
    for provider in ("manual", "test", "nobody"):  # the others take no webhooks at all
        response = client.post(f"/support/webhooks/{provider}/", "{}", content_type="application/json")
        assert response.status_code in (400, 404)
    assert not Donation.objects.exists()


def check_errors():
    try:
        call_command("check", verbosity=0)
    except SystemCheckError as error:
        return str(error)
    return ""


def test_check_fails_when_stripe_is_offered_without_a_webhook_secret(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_live_x", ""
    assert "samizdat.support.E001" in check_errors()
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert "samizdat.support.E001" not in check_errors()
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "", ""  # Stripe not set up: not offered
    assert "samizdat.support.E001" not in check_errors()
