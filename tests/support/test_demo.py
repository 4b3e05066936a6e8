"""The demo newsroom's reader revenue: a new user can give with the test provider at once."""

import pytest

from samizdat.support.demo import load_support_demo
from samizdat.support.models import Appeal, Donation

from .conftest import donate, pay_with_test_provider

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


def test_the_demo_offers_test_payments_suggested_amounts_and_an_appeal(client, settings):
    settings.SUPPORT_TEST_PAYMENTS = True  # `make run` turns it on for the demo
    load_support_demo()
    load_support_demo()  # loading again keeps what is there
    assert Appeal.objects.filter(heading="A message from the newsroom", placement="article").count() == 1
    data = client.get("/support/appeals.json").json()
    assert {a["placement"] for a in data["appeals"]} == {"article", "banner"}
    page = client.get("/support/").content.decode()
    assert 'value="test"' in page and 'value="manual"' in page and "€20" in page
    paid = pay_with_test_provider(client, donate(client, frequency="annual", amount_annual="100"))
    assert paid.status_code == 303
    assert Donation.objects.get().amount == 10000
