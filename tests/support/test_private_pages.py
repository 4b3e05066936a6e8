"""Donor pages (thanks, checkout, transfer, manage) are private: Cache-Control private, no-store,
and never published as files."""

import pytest
from django.core.management import call_command

from samizdat.support.manage_links import manage_token
from samizdat.support.models import Donation, RecurringDonation
from samizdat.support.providers.manual.models import ManualPaymentSettings

from .conftest import donate, pay_with_test_provider, staff_set

pytestmark = pytest.mark.django_db


def private(response):
    value = response["Cache-Control"]
    return "private" in value and "no-store" in value


def test_every_page_of_a_gift_is_private(client, test_payments):
    start = donate(client, frequency="monthly")
    checkout = start["Location"]
    assert private(client.get(checkout))
    thanks = pay_with_test_provider(client, start, email="ana@example.org")["Location"]
    page = client.get(thanks)
    assert page.status_code == 200 and private(page)
    manage = f"/support/manage/{manage_token(RecurringDonation.objects.get())}/"
    assert private(client.get(manage)) and private(client.post(manage, {"action": "nonsense"}))
    assert private(client.get("/support/manage/")) and private(client.post("/support/manage/", {"email": "ana@example.org"}))


def test_the_transfer_page_is_private(client, test_payments):
    staff_set(ManualPaymentSettings, bank_transfer_details="IBAN DE89 3704 0044 0532 0130 00")
    transfer = donate(client, frequency="once", provider="manual")["Location"]
    assert private(client.get(transfer))
    assert private(client.post(transfer, {"amount": "10", "method": "Bank transfer", "email": "ana@example.org"}))
    assert Donation.objects.get().email == "ana@example.org"


def test_no_donor_page_is_published(client, test_payments, public):
    pay_with_test_provider(client, donate(client, frequency="monthly"), email="ana@example.org")
    call_command("publish", "--all", verbosity=0)
    files = public.files()
    assert "support/index.html" in files
    assert not [f for f in files if f.startswith(("support/manage", "support/thanks", "support/test-checkout", "support/transfer"))]
    assert not any("ana@example.org" in (public.path / f).read_text(errors="ignore") for f in files)
