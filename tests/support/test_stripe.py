"""Stripe: Checkout through the official SDK against a local stand-in for the Stripe API, and
webhooks signed as Stripe signs them. Every confirmed donation is stored exactly once, whatever
the order and number of deliveries; a webhook we can't verify changes nothing."""

import logging
import time

import pytest
from bs4 import BeautifulSoup

from samizdat.support.models import Donation, ProcessedEvent, RecurringDonation

from .conftest import donate, post_webhook
from .fake_stripe import SECRET_KEY, charge, checkout_session, event, invoice, sign, subscription

pytestmark = pytest.mark.django_db


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def nothing_recorded():
    return not Donation.objects.exists() and not RecurringDonation.objects.exists() and not ProcessedEvent.objects.exists()


# Checkout


def test_giving_once_starts_a_stripe_checkout_in_payment_mode(client, fake_stripe, settings):
    response = donate(client, provider="stripe", frequency="once", amount_once="25", email="ana@example.org")
    assert response.status_code == 303
    assert response["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    fields = call["fields"]
    assert call["headers"]["Authorization"] == f"Bearer {SECRET_KEY}"
    assert fields["mode"] == "payment" and fields["submit_type"] == "donate"
    assert fields["line_items[0][price_data][unit_amount]"] == "2500"
    assert fields["line_items[0][price_data][currency]"] == "eur"
    assert "line_items[0][price_data][recurring][interval]" not in fields
    assert fields["customer_email"] == "ana@example.org"
    assert fields["success_url"] == f"{settings.SITE_URL}/support/thanks/"
    assert fields["cancel_url"] == f"{settings.SITE_URL}/support/?cancelled=1"
    assert nothing_recorded(), "starting a checkout records nothing as paid"


@pytest.mark.parametrize("frequency, amount, interval", [("monthly", "10", "month"), ("annual", "100", "year")])
def test_giving_monthly_or_annually_starts_a_subscription_checkout(client, fake_stripe, frequency, amount, interval):
    response = donate(client, provider="stripe", frequency=frequency, **{f"amount_{frequency}": amount})
    assert response.status_code == 303
    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    fields = call["fields"]
    assert fields["mode"] == "subscription" and "submit_type" not in fields
    assert fields["line_items[0][price_data][recurring][interval]"] == interval
    assert fields["line_items[0][price_data][unit_amount]"] == str(int(amount) * 100)
    assert fields["subscription_data[metadata][samizdat_frequency]"] == frequency
    assert "customer_email" not in fields  # Stripe's page asks for it
    assert nothing_recorded()


def test_stripe_unreachable_at_checkout_gives_a_clear_message_and_records_nothing(client, fake_stripe, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = donate(client, provider="stripe", frequency="once")
    assert response.status_code == 503
    assert "We couldn't reach our card payment provider just now. Nothing was charged" in text(response)
    assert 'name="other_amount"' in response.content.decode(), "the form is there to try again"
    assert nothing_recorded()


def test_stripe_refusing_the_checkout_gives_a_clear_message(client, fake_stripe):
    fake_stripe.fail_with = (400, {"error": {"type": "invalid_request_error", "message": "Amount must convert to at least 50 cents."}})
    response = donate(client, provider="stripe", frequency="once")
    assert response.status_code == 503
    assert "Our card payment provider couldn't start the payment. Nothing was charged" in text(response)
    assert "50 cents" not in response.content.decode()
    assert nothing_recorded()


# Webhooks: one-off gifts


def test_a_completed_one_off_checkout_stores_the_donation_and_sends_a_receipt(client, fake_stripe, smtp):
    response = post_webhook(client, event("checkout.session.completed", checkout_session(amount=2500, payment_intent="pi_9")))
    assert response.status_code == 200
    donation = Donation.objects.get()
    assert (donation.amount, donation.currency, donation.frequency, donation.status) == (2500, "EUR", "once", "paid")
    assert (donation.provider, donation.provider_payment_id, donation.email, donation.name) == ("stripe", "pi_9", "ana@example.org", "Ana Ruiz")
    [receipt] = smtp.to("ana@example.org")
    assert "€25" in smtp.text(receipt)


def test_a_replayed_event_stores_the_donation_once(client, fake_stripe, smtp):
    completed = event("checkout.session.completed", checkout_session())
    for _ in range(3):
        assert post_webhook(client, completed).status_code == 200
    assert Donation.objects.count() == 1 and ProcessedEvent.objects.count() == 1
    assert len(smtp.messages) == 1


def test_the_same_payment_in_two_different_events_is_one_donation(client, fake_stripe):
    post_webhook(client, event("checkout.session.completed", checkout_session(payment_intent="pi_7")))
    post_webhook(client, event("checkout.session.async_payment_succeeded", checkout_session(payment_intent="pi_7")))
    assert Donation.objects.count() == 1


def test_a_checkout_paid_later_by_bank_debit_counts_only_when_paid(client, fake_stripe):
    post_webhook(client, event("checkout.session.completed", checkout_session(payment_intent="pi_5", payment_status="unpaid")))
    assert not Donation.objects.exists()
    post_webhook(client, event("checkout.session.async_payment_succeeded", checkout_session(payment_intent="pi_5")))
    assert Donation.objects.get().status == "paid"


def test_a_refund_marks_the_donation_refunded(client, fake_stripe):
    post_webhook(client, event("checkout.session.completed", checkout_session(payment_intent="pi_3", amount=2500)))
    post_webhook(client, event("charge.refunded", charge(payment_intent="pi_3", amount=2500, refunded=1000)))
    donation = Donation.objects.get()
    assert (donation.status, donation.refunded_amount) == ("paid", 1000)  # partly refunded
    post_webhook(client, event("charge.refunded", charge(payment_intent="pi_3", amount=2500, refunded=2500)))
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_amount) == ("refunded", 2500)


def test_a_refund_that_arrives_before_its_payment_leaves_one_refunded_donation(client, fake_stripe, smtp):
    now = int(time.time())
    post_webhook(client, event("charge.refunded", charge(payment_intent="pi_4"), created=now))
    post_webhook(client, event("checkout.session.completed", checkout_session(payment_intent="pi_4"), created=now - 60))
    donation = Donation.objects.get()
    assert (donation.status, donation.name) == ("refunded", "Ana Ruiz")
    assert smtp.messages == [], "no receipt for a refunded gift"


# Webhooks: recurring donations


def test_a_monthly_donation_starts_and_each_renewal_is_its_own_donation(client, fake_stripe, smtp):
    post_webhook(client, event("checkout.session.completed", checkout_session(
        mode="subscription", subscription="sub_1", payment_intent=None, amount=1000, frequency="monthly")))
    post_webhook(client, event("invoice.paid", invoice(subscription="sub_1", invoice_id="in_1", payment_intent="pi_a")))
    post_webhook(client, event("invoice.paid", invoice(subscription="sub_1", invoice_id="in_2", payment_intent="pi_b")))
    recurring = RecurringDonation.objects.get()
    assert (recurring.amount, recurring.frequency, recurring.status, recurring.email) == (1000, "monthly", "active", "ana@example.org")
    payments = list(recurring.donations.order_by("pk").values_list("provider_payment_id", "amount", "frequency", "status"))
    assert payments == [("pi_a", 1000, "monthly", "paid"), ("pi_b", 1000, "monthly", "paid")]
    assert len(smtp.to("ana@example.org")) == 2
    assert "/support/manage/" in smtp.text(smtp.messages[0])


def test_an_annual_donation_in_the_newer_invoice_layout(client, fake_stripe):
    post_webhook(client, event("invoice.paid", invoice(subscription="sub_y", amount=12000, interval="year",
                                                       invoice_id="in_y", payment_intent="pi_y", new_shape=True)))
    recurring = RecurringDonation.objects.get()
    assert (recurring.provider_subscription_id, recurring.frequency, recurring.amount) == ("sub_y", "annual", 12000)
    assert recurring.donations.get().provider_payment_id == "pi_y"


def test_the_first_payment_arriving_before_the_checkout_gives_one_recurring_donation(client, fake_stripe):
    now = int(time.time())
    post_webhook(client, event("invoice.paid", invoice(subscription="sub_2", email=""), created=now))
    post_webhook(client, event("checkout.session.completed", checkout_session(
        mode="subscription", subscription="sub_2", payment_intent=None, frequency="monthly"), created=now - 5))
    recurring = RecurringDonation.objects.get()
    assert recurring.email == "ana@example.org" and recurring.donations.count() == 1


def test_a_cancellation_ends_the_recurring_donation_and_a_late_older_update_does_not_revive_it(client, fake_stripe):
    now = int(time.time())
    post_webhook(client, event("invoice.paid", invoice(subscription="sub_3"), created=now - 100))
    post_webhook(client, event("customer.subscription.deleted", subscription("sub_3", status="canceled"), created=now))
    post_webhook(client, event("customer.subscription.updated", subscription("sub_3", status="active"), created=now - 50))
    recurring = RecurringDonation.objects.get()
    assert recurring.status == "cancelled" and recurring.cancelled_at is not None


def test_a_failed_payment_marks_it_past_due_until_the_next_payment(client, fake_stripe):
    now = int(time.time())
    post_webhook(client, event("invoice.paid", invoice(subscription="sub_4", invoice_id="in_a", payment_intent="pi_a"), created=now - 100))
    post_webhook(client, event("invoice.payment_failed", invoice(subscription="sub_4", invoice_id="in_b"), created=now - 50))
    assert RecurringDonation.objects.get().status == "past_due"
    post_webhook(client, event("invoice.paid", invoice(subscription="sub_4", invoice_id="in_b", payment_intent="pi_b2"), created=now))
    recurring = RecurringDonation.objects.get()
    assert recurring.status == "active" and recurring.donations.count() == 2


def test_a_new_amount_set_at_stripe_is_recorded(client, fake_stripe):
    now = int(time.time())
    post_webhook(client, event("invoice.paid", invoice(subscription="sub_5"), created=now - 10))
    post_webhook(client, event("customer.subscription.updated", subscription("sub_5", amount=1500), created=now))
    assert RecurringDonation.objects.get().amount == 1500


# Webhooks we don't trust or don't need


@pytest.mark.parametrize(
    "signature",
    [
        "",  # missing
        "t=1700000000,v1=deadbeef",  # forged
        "garbage",
        "t=notanumber,v1=abc",
    ],
)
def test_a_webhook_with_a_bad_or_missing_signature_is_refused_and_changes_nothing(client, fake_stripe, caplog, signature):
    caplog.set_level(logging.INFO)
    completed = event("checkout.session.completed", checkout_session(email="secret-donor@example.org"))
    response = post_webhook(client, completed, signature=signature or "")
    assert response.status_code == 400
    assert nothing_recorded()
    assert "Rejected a stripe webhook" in caplog.text
    assert "secret-donor" not in caplog.text and "cs_test" not in caplog.text, "the payload is never logged"


def test_a_webhook_signed_with_another_secret_is_refused(client, fake_stripe):
    response = post_webhook(client, event("checkout.session.completed", checkout_session()), secret="whsec_someone_else")
    assert response.status_code == 400 and nothing_recorded()


def test_an_old_signed_webhook_replayed_later_is_refused(client, fake_stripe):
    import json

    completed = event("checkout.session.completed", checkout_session())
    stale = sign(json.dumps(completed), timestamp=int(time.time()) - 3600)
    assert post_webhook(client, completed, signature=stale).status_code == 400
    assert nothing_recorded()


def test_a_signature_that_is_not_ascii_is_refused_not_a_500(client, fake_stripe):
    completed = event("checkout.session.completed", checkout_session())
    response = post_webhook(client, completed, signature=f"t={int(time.time())},v1=\u00e9\u00e9")
    assert response.status_code == 400
    assert nothing_recorded()


def test_a_signed_webhook_that_is_not_an_event_is_refused(client, fake_stripe):
    payload = '{"hello": "world"'
    response = client.post("/support/webhooks/stripe/", payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload))
    assert response.status_code == 400
    payload = '{"id": "evt_x", "type": "checkout.session.completed", "created": 1, "data": {"object": {"mode": "payment", "payment_status": "paid"}}}'
    response = client.post("/support/webhooks/stripe/", payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload))
    assert response.status_code == 400 and nothing_recorded()
    for created in ("10" + "0" * 30, "[1]", "null"):
        payload = ('{"id": "evt_y", "type": "charge.refunded", "created": %s, "data": {"object": '
                   '{"id": "ch_1", "payment_intent": "pi_1", "amount": 5, "currency": "eur"}}}' % created)
        response = client.post("/support/webhooks/stripe/", payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload))
        assert response.status_code == 400, created
    for amount in ('-5', '"12.50"', '0', 'true', '1.5'):
        payload = ('{"id": "evt_z", "type": "charge.refunded", "created": 1, "data": {"object": '
                   '{"id": "ch_1", "payment_intent": "pi_1", "amount": %s, "currency": "eur"}}}' % amount)
        response = client.post("/support/webhooks/stripe/", payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload))
        assert response.status_code == 400, amount
    payload = b'\xff\xfe not utf-8'
    response = client.post("/support/webhooks/stripe/", payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE="t=1,v1=abc")
    assert response.status_code == 400 and nothing_recorded()


def test_unknown_event_types_are_accepted_and_ignored(client, fake_stripe):
    response = post_webhook(client, event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 200 and response.content == b"ignored\n"
    assert nothing_recorded()


def test_webhooks_without_a_secret_configured_are_refused(client, fake_stripe, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert post_webhook(client, event("checkout.session.completed", checkout_session())).status_code == 400
    assert nothing_recorded()


def test_webhooks_for_unknown_providers_are_not_found_and_get_is_refused(client, fake_stripe):
    assert client.post("/support/webhooks/paypal/", "{}", content_type="application/json").status_code == 404
    assert client.post("/support/webhooks/test/", "{}", content_type="application/json").status_code == 400
    assert client.get("/support/webhooks/stripe/").status_code == 405


def test_a_renewal_in_the_newer_layout_asks_stripe_which_payment_paid_it_so_its_refund_finds_it(client, fake_stripe):
    paid = invoice(subscription="sub_n", invoice_id="in_n", payment_intent="pi_n", new_shape=True)
    fake_stripe.invoices["in_n"] = paid  # what GET /v1/invoices/in_n?expand[]=payments answers
    webhook = invoice(subscription="sub_n", invoice_id="in_n", payment_intent="pi_n", new_shape=True, with_payments=False)
    assert post_webhook(client, event("invoice.paid", webhook)).status_code == 200
    [call] = fake_stripe.calls("GET", "/v1/invoices/in_n")
    assert call["fields"] == {"expand[0]": "payments"}
    assert Donation.objects.get().provider_payment_id == "pi_n"
    post_webhook(client, event("charge.refunded", charge(payment_intent="pi_n", amount=1000, refunded=1000)))
    assert list(Donation.objects.values_list("status", flat=True)) == ["refunded"]


def test_when_stripe_cannot_be_asked_the_webhook_is_refused_for_now_and_works_when_delivered_again(client, fake_stripe, settings):
    webhook = event("invoice.paid", invoice(subscription="sub_n", invoice_id="in_n", new_shape=True, with_payments=False))
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    assert post_webhook(client, webhook).status_code == 503
    assert nothing_recorded()
    settings.STRIPE_API_BASE = fake_stripe.url
    fake_stripe.invoices["in_n"] = invoice(subscription="sub_n", invoice_id="in_n", payment_intent="pi_x", new_shape=True)
    assert post_webhook(client, webhook).status_code == 200
    assert Donation.objects.get().provider_payment_id == "pi_x"
