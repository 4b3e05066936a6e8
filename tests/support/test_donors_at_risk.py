"""Donors at risk: a "discreet" gift gets a receipt from a neutral sender with a neutral subject,
and a neutral descriptor on the card statement. Test payments (no money moves) are refused on a
live site and never counted as revenue."""

from datetime import datetime, timezone

import pytest
from bs4 import BeautifulSoup

from samizdat.support.models import Donation, RecurringDonation
from samizdat.support.providers.manual.models import ManualPaymentSettings
from samizdat.support.providers.test.models import TestPaymentSettings
from samizdat.support.reports import revenue_report

from .conftest import donate, pay_with_test_provider, post_webhook, staff_set
from .fake_stripe import checkout_session, event, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def newsroom_named(settings):
    from wagtail.models import Site

    from samizdat.core.models import NewsroomSettings

    settings.DEFAULT_FROM_EMAIL = "Lindenport Courier <news@courier.example>"
    newsroom = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    newsroom.name = "Lindenport Courier"
    newsroom.save()


def test_the_donate_form_offers_discretion(client, test_payments):
    form = BeautifulSoup(client.get("/support/").content, "html.parser")
    box = form.select_one("input[type=checkbox][name=discreet]")
    assert box is not None and form.select_one(f"label[for={box['id']}]").get_text().startswith("Be discreet")


def test_a_discreet_gift_gets_a_receipt_that_does_not_name_the_newsroom(client, test_payments, smtp, settings):
    settings.SUPPORT_DISCREET_SENDER, settings.SUPPORT_DISCREET_SUBJECT = "Receipts", "Your receipt"
    pay_with_test_provider(client, donate(client, frequency="once", discreet="1"), email="ana@example.org")
    donation = Donation.objects.get()
    assert donation.discreet
    [receipt] = smtp.to("ana@example.org")
    assert receipt["Subject"] == "Your receipt"
    assert receipt["From"].addresses[0].display_name == "Receipts"
    assert "Courier" not in receipt["Subject"] + str(receipt["From"])


def test_a_gift_without_discretion_names_the_newsroom(client, test_payments, smtp):
    pay_with_test_provider(client, donate(client, frequency="once"), email="ben@example.org")
    [receipt] = smtp.to("ben@example.org")
    assert not Donation.objects.get().discreet
    assert "Lindenport Courier" in receipt["Subject"]


def test_a_discreet_monthly_gift_stays_discreet_and_so_does_its_manage_link(client, test_payments, smtp):
    pay_with_test_provider(client, donate(client, frequency="monthly", discreet="1"), email="cy@example.org")
    assert RecurringDonation.objects.get().discreet and Donation.objects.get().discreet
    client.post("/support/manage/", {"email": "cy@example.org"})
    assert len(smtp.to("cy@example.org")) == 2
    assert all("Courier" not in m["Subject"] + str(m["From"]) for m in smtp.to("cy@example.org"))


def test_a_discreet_card_gift_asks_stripe_for_a_neutral_statement_descriptor(client, fake_stripe, settings, smtp):
    settings.SUPPORT_DISCREET_DESCRIPTOR = "ONLINE SERVICES"
    donate(client, provider="stripe", frequency="once", amount_once="25", discreet="1")
    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert call["fields"]["payment_intent_data[statement_descriptor_suffix]"] == "ONLINE SERVICES"
    assert call["fields"]["metadata[samizdat_discreet]"] == "1"
    # Stripe says so back in the webhook: the donation is stored as discreet, its receipt neutral.
    session = checkout_session(payment_intent="pi_d", email="dan@example.org")
    session["metadata"]["samizdat_discreet"] = "1"
    post_webhook(client, event("checkout.session.completed", session))
    assert Donation.objects.get().discreet
    [receipt] = smtp.to("dan@example.org")
    assert "Courier" not in receipt["Subject"] + str(receipt["From"])


def test_a_card_gift_without_discretion_keeps_the_account_descriptor(client, fake_stripe):
    donate(client, provider="stripe", frequency="once", amount_once="25")
    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert not any("statement_descriptor" in name for name in call["fields"])


def test_a_discreet_subscription_marks_its_payments_discreet(client, fake_stripe, smtp):
    donate(client, provider="stripe", frequency="monthly", amount_monthly="10", discreet="1")
    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert call["fields"]["subscription_data[metadata][samizdat_discreet]"] == "1"
    session = checkout_session(mode="subscription", subscription="sub_d", payment_intent=None, frequency="monthly",
                               email="eve@example.org")
    session["metadata"]["samizdat_discreet"] = "1"
    post_webhook(client, event("checkout.session.completed", session))
    post_webhook(client, event("invoice.paid", invoice(subscription="sub_d", email="eve@example.org")))
    assert RecurringDonation.objects.get().discreet and Donation.objects.get().discreet


# Test payments


def test_test_payments_are_not_offered_on_a_live_site(client, test_payments, settings):
    settings.SUPPORT_TEST_PAYMENTS = False  # DEBUG off, no demo: the default of a live site
    page = client.get("/support/").content.decode()
    assert 'value="test"' not in page


def test_a_forged_donation_choosing_test_payments_is_refused_clearly(client, test_payments, settings):
    settings.SUPPORT_TEST_PAYMENTS = False
    response = donate(client, provider="test", frequency="once")
    assert response.status_code == 400
    assert "Test payments are switched off on this site" in response.content.decode()
    assert not Donation.objects.exists()


def test_a_test_checkout_link_stops_working_when_test_payments_are_off(client, test_payments, settings):
    checkout = donate(client, provider="test", frequency="once")["Location"]
    settings.SUPPORT_TEST_PAYMENTS = False
    response = client.post(checkout, {"outcome": "pay", "email": "ana@example.org", "name": "Ana"})
    assert response.status_code == 404 and not Donation.objects.exists()


def test_test_gifts_never_count_as_revenue(client, test_payments):
    pay_with_test_provider(client, donate(client, frequency="monthly", amount_monthly="20"))
    pay_with_test_provider(client, donate(client, frequency="once", amount_once="50"), email="ben@example.org")
    Donation.objects.create(amount=1000, currency="EUR", provider="stripe", status="paid", provider_payment_id="pi_r",
                            email="real@example.org", created_at=datetime.now(timezone.utc))
    [eur] = revenue_report()
    assert eur.year_total == 1000
    assert eur.recurring_revenue == 0 and eur.active_donors == 0


def test_staff_switching_test_payments_on_is_not_enough_on_a_live_site(client, settings):
    settings.SUPPORT_TEST_PAYMENTS = False
    staff_set(TestPaymentSettings, enabled=True)
    assert 'value="test"' not in client.get("/support/").content.decode()


def test_a_discreet_bank_transfer_is_recorded_as_discreet(client, test_payments):
    staff_set(ManualPaymentSettings, bank_transfer_details="IBAN DE89 3704 0044 0532 0130 00")
    transfer = donate(client, frequency="once", provider="manual", discreet="1")["Location"]
    client.post(transfer, {"amount": "10", "method": "Bank transfer", "email": "ana@example.org"})
    assert Donation.objects.get().discreet
