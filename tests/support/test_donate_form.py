"""The donate form on /support/: Once / Monthly / Annual, suggested amounts, another amount,
the currency and the way to pay; then Continue. Works without JavaScript; bad input is explained
and nothing is recorded."""

import pytest
from bs4 import BeautifulSoup

from samizdat.core.models import for_default_site
from samizdat.support.models import Donation, ProcessedEvent, RecurringDonation
from samizdat.support.providers.manual.models import ManualPaymentSettings
from samizdat.support.providers.test.models import TestPaymentSettings

from .conftest import donate, pay_with_test_provider, staff_set

pytestmark = pytest.mark.django_db


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def errors(response):
    return [p.get_text(" ", strip=True) for p in page(response).select(".donate-error, .donate-message")]


def test_support_page_offers_once_monthly_and_annual_with_the_staffs_amounts(client, test_payments):
    test_payments.suggested_amounts = "EUR once: 15, 30\nEUR monthly: 4, 8\nEUR annual: 40"
    test_payments.save()
    soup = page(client.get("/support/"))
    form = soup.select_one("main form.donate-form")
    assert form["action"] == "/support/donate/" and form["method"] == "post"
    assert [label.get_text() for label in form.select(".donate-frequency label")] == ["Once", "Monthly", "Annual"]
    amounts = {fs["data-frequency"]: [l.get_text() for l in fs.select("label")] for fs in form.select(".donate-amounts")}
    assert amounts == {"once": ["€15", "€30", "Other"], "monthly": ["€4", "€8", "Other"], "annual": ["€40", "Other"]}
    assert "From €1 to €10,000." in form.get_text()
    assert [i["value"] for i in form.select("input[name=provider]")] == ["test"]
    assert not form.select("input[name=csrfmiddlewaretoken]"), "a published page can't carry a CSRF token"


def test_support_page_in_another_currency_suggests_that_currencys_amounts(client, test_payments):
    test_payments.suggested_amounts = "USD monthly: 7, 14"
    test_payments.save()
    soup = page(client.get("/support/?currency=USD"))
    assert soup.select_one("input[name=currency]")["value"] == "USD"
    assert [l.get_text() for l in soup.select("[data-frequency=monthly] label")] == ["US$7", "US$14", "Other"]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"amount_monthly": "other", "other_amount": "abc"}, "Please give the amount as a number, like 25 or 12.50."),
        ({"other_amount": "1e9"}, "Please give the amount as a number, like 25 or 12.50."),
        ({"other_amount": "-10"}, "The amount must be more than zero."),
        ({"other_amount": "0.50"}, "That amount is below the minimum of €1."),
        ({"other_amount": "10000.01"}, "That amount is above the maximum of €10,000."),
        ({"amount_monthly": "999999999"}, "That amount is above the maximum of €10,000."),
        ({"amount_monthly": "other"}, "Please choose or enter an amount."),
        ({"currency": "XYZ"}, "We don't take donations in XYZ."),
        ({"currency": ""}, "Please choose a currency."),
        ({"frequency": "weekly"}, "Please choose Once, Monthly or Annual."),
        ({"provider": "paypal"}, "Please choose a way to pay."),
        ({"provider": ""}, "Please choose a way to pay."),
        ({"email": "not-an-address"}, "That email address doesn't look right."),
    ],
)
def test_what_the_form_cannot_take_is_explained_and_nothing_is_recorded(client, test_payments, fields, message):
    response = donate(client, **fields)
    assert response.status_code == 400
    assert message in errors(response)
    assert not Donation.objects.exists() and not RecurringDonation.objects.exists() and not ProcessedEvent.objects.exists()


def test_the_form_sent_back_keeps_what_the_reader_typed(client, test_payments):
    response = donate(client, other_amount="0.5", email="ana@example.org")
    soup = page(response)
    assert soup.select_one("#donate-other-amount")["value"] == "0.5"
    assert soup.select_one("#donate-email")["value"] == "ana@example.org"
    assert soup.select_one("#donate-frequency-monthly").has_attr("checked")


def test_a_provider_that_is_switched_off_is_not_offered_and_not_accepted(client, db):
    assert for_default_site(TestPaymentSettings).enabled is False
    assert not page(client.get("/support/")).select("input[name=provider]")
    assert donate(client).status_code == 400


def test_manual_payments_are_for_one_off_gifts(client, test_payments):
    staff_set(ManualPaymentSettings, bank_transfer_details="IBAN DE00 1234")
    response = donate(client, provider="manual", frequency="monthly")
    assert "Bank transfer or crypto is for one-off gifts: choose Once, or another way to pay." in errors(response)


def test_another_amount_typed_wins_over_the_preselected_suggestion(client, test_payments):
    response = donate(client, frequency="once", amount_once="10", other_amount="12,50")
    pay_with_test_provider(client, response)
    assert Donation.objects.get().amount == 1250


@pytest.mark.parametrize("frequency, amount, minor", [("once", "25", 2500), ("monthly", "10", 1000), ("annual", "100", 10000)])
def test_giving_with_the_test_provider_ends_on_the_thank_you_page(client, test_payments, smtp, frequency, amount, minor):
    response = donate(client, frequency=frequency, **{f"amount_{frequency}": amount})
    paid = pay_with_test_provider(client, response)
    assert paid.status_code == 303 and paid.headers["Location"].startswith("/support/thanks/?d=")
    thanks = page(client.get(paid.headers["Location"]))
    assert thanks.h1.get_text() == "Thank you!"
    assert f"€{minor // 100}" in thanks.select_one("main").get_text()
    donation = Donation.objects.get()
    assert (donation.amount, donation.currency, donation.frequency, donation.status) == (minor, "EUR", frequency, "paid")
    assert (donation.email, donation.name, donation.provider) == ("ana@example.org", "Ana Ruiz", "test")
    assert RecurringDonation.objects.filter(frequency=frequency).exists() == (frequency != "once")
    [receipt] = smtp.to("ana@example.org")
    assert receipt["Subject"] == "Thank you for your donation to samizdat"
    body = smtp.text(receipt)
    assert f"€{minor // 100}" in body
    assert ("/support/manage/" in body) == (frequency != "once")


def test_pressing_pay_twice_stores_one_donation_and_sends_one_receipt(client, test_payments, smtp):
    response = donate(client)
    checkout = response.headers["Location"]
    for _ in range(2):
        client.post(checkout, {"outcome": "pay", "email": "ana@example.org"})
    assert Donation.objects.count() == 1 and RecurringDonation.objects.count() == 1
    assert len(smtp.messages) == 1


def test_a_declined_card_records_nothing_and_says_so(client, test_payments):
    response = pay_with_test_provider(client, donate(client), outcome="decline")
    assert response.status_code == 402
    assert "Your card was declined (a test decline). Nothing was charged." in page(response).get_text()
    assert not Donation.objects.exists()


def test_cancelling_returns_to_the_form_with_nothing_charged(client, test_payments):
    response = pay_with_test_provider(client, donate(client), outcome="cancel")
    assert response.headers["Location"] == "/support/?cancelled=1"
    assert "You cancelled the payment. Nothing was charged." in page(client.get("/support/?cancelled=1")).get_text()
    assert not Donation.objects.exists()


def test_the_test_checkout_asks_for_an_email_for_the_receipt(client, test_payments):
    response = pay_with_test_provider(client, donate(client), email="nope")
    assert response.status_code == 400
    assert "Please give an email address for your receipt." in page(response).get_text()
    assert not Donation.objects.exists()


def test_a_forged_test_checkout_is_not_found(client, test_payments):
    checkout = donate(client).headers["Location"]
    forged = checkout.replace("/support/test-checkout/ey", "/support/test-checkout/ez")
    assert client.post(forged, {"outcome": "pay", "email": "ana@example.org"}).status_code == 404
    assert client.get("/support/test-checkout/garbage/").status_code == 404
    assert not Donation.objects.exists()


def test_the_donate_endpoint_sends_readers_who_open_it_to_the_form(client):
    assert client.get("/support/donate/")["Location"] == "/support/"


def test_no_email_address_travels_in_the_checkout_address(client, test_payments):
    import base64

    response = donate(client, email="ana@example.org", name="Ana Ruiz")
    token = response.headers["Location"].split("/")[3]
    payload = token.split(":")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert b"ana@example.org" not in decoded and b"Ana" not in decoded
