"""Manage my donation: the emailed link (signed, expiring, no password) shows a recurring donor
their donations and lets them change the amount or cancel, through the provider."""

import re
import time

import pytest
from bs4 import BeautifulSoup

from samizdat.support.manage_links import manage_url
from samizdat.support.models import RecurringDonation

from .conftest import donate, pay_with_test_provider, post_webhook
from .fake_stripe import event, invoice

pytestmark = pytest.mark.django_db


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def link_in(body, settings):
    match = re.search(re.escape(settings.SITE_URL) + r"(/support/manage/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


@pytest.fixture
def stripe_monthly(client, fake_stripe, smtp):
    """A monthly Stripe donation of €10 with two payments, and the receipt's link."""
    fake_stripe.add_subscription("sub_1", 1000)
    post_webhook(client, event("invoice.paid", invoice(subscription="sub_1", invoice_id="in_1", payment_intent="pi_1"), created=int(time.time()) - 60))
    post_webhook(client, event("invoice.paid", invoice(subscription="sub_1", invoice_id="in_2", payment_intent="pi_2")))
    return RecurringDonation.objects.get()


def test_the_receipt_link_shows_the_donors_donations(client, test_payments, smtp, settings):
    pay_with_test_provider(client, donate(client, frequency="monthly", amount_monthly="20"))
    [receipt] = smtp.to("ana@example.org")
    page = client.get(link_in(smtp.text(receipt), settings))
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.h2.get_text() == "Monthly donation of €20"
    assert soup.select_one(".manage-status").get_text() == "Active"
    assert [td.get_text() for td in soup.select(".manage-history tbody tr td")][1:] == ["€20", "Monthly", "Paid"]
    assert "ana@example.org" not in link_in(smtp.text(receipt), settings), "no email address in the link"


def test_changing_the_amount_goes_through_stripe(client, stripe_monthly, fake_stripe, settings):
    response = client.post(manage_url(stripe_monthly).removeprefix(settings.SITE_URL), {"action": "amount", "amount": "15"})
    assert response.status_code == 200
    assert "From the next payment on, you give €15 monthly." in text(response)
    [update] = fake_stripe.calls("POST", "/v1/subscriptions/sub_1")
    assert update["fields"]["items[0][id]"] == "si_sub_1"
    assert update["fields"]["items[0][price_data][unit_amount]"] == "1500"
    assert update["fields"]["items[0][price_data][product]"] == "prod_sub_1"
    assert update["fields"]["items[0][price_data][recurring][interval]"] == "month"
    assert update["fields"]["proration_behavior"] == "none"
    stripe_monthly.refresh_from_db()
    assert stripe_monthly.amount == 1500
    assert stripe_monthly.donations.count() == 2, "past payments keep their amounts"


@pytest.mark.parametrize(
    "amount, message",
    [("abc", "Please give the amount as a number, like 25 or 12.50."),
     ("0.10", "That amount is below the minimum of €1."),
     ("20000", "That amount is above the maximum of €10,000."),
     ("-3", "The amount must be more than zero.")],
)
def test_a_new_amount_we_cannot_take_is_explained_and_nothing_changes(client, stripe_monthly, fake_stripe, settings, amount, message):
    response = client.post(manage_url(stripe_monthly).removeprefix(settings.SITE_URL), {"action": "amount", "amount": amount})
    assert response.status_code == 400 and message in text(response)
    assert fake_stripe.calls("POST", "/v1/subscriptions/") == []
    stripe_monthly.refresh_from_db()
    assert stripe_monthly.amount == 1000


def test_cancelling_goes_through_stripe_and_stops_the_donation(client, stripe_monthly, fake_stripe, settings):
    url = manage_url(stripe_monthly).removeprefix(settings.SITE_URL)
    response = client.post(url, {"action": "cancel"})
    assert "Your donation is cancelled. No further payments will be taken." in text(response)
    assert len(fake_stripe.calls("DELETE", "/v1/subscriptions/sub_1")) == 1
    stripe_monthly.refresh_from_db()
    assert stripe_monthly.status == "cancelled"
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    assert soup.select_one(".manage-status").get_text() == "Cancelled"
    assert soup.select_one("form.manage-cancel") is None
    # Stripe's own word arrives later and changes nothing more.
    post_webhook(client, event("customer.subscription.deleted", {"id": "sub_1", "object": "subscription", "status": "canceled"}))
    assert RecurringDonation.objects.get().status == "cancelled"


def test_stripe_unreachable_when_cancelling_leaves_it_active_and_says_so(client, stripe_monthly, settings):
    url = manage_url(stripe_monthly).removeprefix(settings.SITE_URL)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    response = client.post(url, {"action": "cancel"})
    assert response.status_code == 400
    assert "We couldn't reach our card payment provider just now. Nothing changed" in text(response)
    stripe_monthly.refresh_from_db()
    assert stripe_monthly.status == "active"


def test_an_expired_or_forged_link_asks_for_a_new_one(client, stripe_monthly, settings, monkeypatch):
    url = manage_url(stripe_monthly).removeprefix(settings.SITE_URL)
    assert client.get(url[:-3] + "xx/").status_code == 410
    later = time.time() + (settings.SUPPORT_MANAGE_LINK_DAYS + 1) * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = client.get(url)
    assert response.status_code == 410
    assert "This link has expired" in text(response)
    assert client.post(url, {"action": "cancel"}).status_code == 410
    stripe_monthly.refresh_from_db()
    assert stripe_monthly.status == "active"


def test_a_donor_can_ask_for_a_new_link_by_email(client, stripe_monthly, smtp, settings):
    smtp.messages.clear()
    response = client.post("/support/manage/", {"email": "ANA@example.org"})
    assert "a link to manage the donation is on its way" in text(response)
    [message] = smtp.to("ana@example.org")
    assert message["Subject"] == "Manage your donation to samizdat"
    assert client.get(link_in(smtp.text(message), settings)).status_code == 200
    client.post("/support/manage/", {"email": "ana@example.org"})
    assert len(smtp.messages) == 1, "one link per address per ten minutes"


def test_asking_for_a_link_for_an_unknown_address_answers_the_same_and_sends_nothing(client, db, smtp):
    response = client.post("/support/manage/", {"email": "stranger@example.org"})
    assert response.status_code == 200 and "a link to manage the donation is on its way" in text(response)
    assert smtp.messages == []
    response = client.post("/support/manage/", {"email": "not an address"})
    assert response.status_code == 400 and "That email address doesn't look right." in text(response)
