"""Bank transfer and crypto: our details and a QR code per address, drawn on our page; the donor
says what they sent, and the gift waits for staff to confirm it (tests/support/test_admin.py)."""

import pytest
import segno
from bs4 import BeautifulSoup

from samizdat.support.models import Donation
from samizdat.support.providers.manual.models import ManualPaymentSettings

from .conftest import donate, staff_set

pytestmark = pytest.mark.django_db

BTC = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"


@pytest.fixture
def manual(test_payments):
    return staff_set(
        ManualPaymentSettings,
        bank_transfer_details="Lindenport Courier Cooperative\nIBAN DE89 3704 0044 0532 0130 00\nReference: GIFT",
        crypto_addresses=f"Bitcoin: {BTC}\nMonero: 44AFFq5kSiGBoZ",
    )


def transfer_page(client):
    response = donate(client, provider="manual", frequency="once", amount_once="25")
    assert response.status_code == 303 and response["Location"].startswith("/support/transfer/")
    return response["Location"]


def test_the_transfer_page_shows_bank_details_and_a_qr_code_for_each_address(client, manual):
    url = transfer_page(client)
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    assert "IBAN DE89 3704 0044 0532 0130 00" in soup.select_one(".transfer-details").get_text()
    sections = soup.select(".transfer-crypto")
    assert [s.h2.get_text() for s in sections] == ["Bitcoin", "Monero"]
    bitcoin = sections[0]
    assert bitcoin.code.get_text() == BTC
    svg = bitcoin.select_one("svg")
    assert svg is not None and not svg.select("image"), "drawn inline, not fetched"
    expected = BeautifulSoup(segno.make(BTC, error="m").svg_inline(scale=4, dark="#111", light="#fff", omitsize=False), "html.parser").svg
    assert svg.path["d"] == expected.path["d"], "the QR code encodes the address"
    assert soup.select_one("#transfer-amount")["value"] == "25"


@pytest.mark.parametrize(
    "fields, message",
    [({"amount": "abc"}, "Please give the amount as a number, like 25 or 12.50."),
     ({"amount": "0.2"}, "That amount is below the minimum of €1."),
     ({"method": "Dogecoin"}, "Please say how you sent it."),
     ({"email": ""}, "Please give an email address, so we can confirm your gift.")],
)
def test_what_the_donor_says_is_checked_and_nothing_is_recorded_if_wrong(client, manual, fields, message):
    url = transfer_page(client)
    data = {"amount": "25", "method": "Bitcoin", "email": "ana@example.org", **fields}
    response = client.post(url, data)
    assert response.status_code == 400
    assert message in BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert not Donation.objects.exists()


def test_the_gift_the_donor_reports_waits_for_staff_and_is_noted_once(client, manual, smtp):
    url = transfer_page(client)
    for _ in range(2):
        response = client.post(url, {"amount": "30", "method": "Bitcoin", "email": "ana@example.org", "name": "Ana"})
        assert response.status_code == 200
    assert "We have noted your gift of €30 by bitcoin." in BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    donation = Donation.objects.get()
    assert (donation.amount, donation.status, donation.method, donation.provider) == (3000, "pending", "Bitcoin", "manual")
    assert smtp.messages == [], "the receipt waits until staff confirm the gift arrived"


def test_a_forged_transfer_link_is_not_found(client, manual):
    url = transfer_page(client)
    assert client.get(url.replace("/transfer/ey", "/transfer/ez")).status_code == 404


def test_manual_payments_are_offered_only_with_details_to_show(client, test_payments):
    soup = BeautifulSoup(client.get("/support/").content, "html.parser")
    assert [i["value"] for i in soup.select("input[name=provider]")] == ["test"]
