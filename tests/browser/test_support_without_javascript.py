"""The support page in a browser with JavaScript switched off: choose Monthly and an amount,
Continue, pay with the test provider, see the thank-you page. And it fits a phone screen.

Screenshots: tests/artifacts/support-no-js.png, support-phone.png.
"""

import pytest
from playwright.sync_api import expect

from samizdat.support.models import Donation, support_settings
from samizdat.support.providers.test.models import TestPaymentSettings
from tests.browser.conftest import DESKTOP, _open_reader, _plain_static_names
from tests.support.conftest import staff_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def test_payments(db, settings):
    settings.SUPPORT_TEST_PAYMENTS = True  # as DEBUG or a demo has it
    staff_set(TestPaymentSettings, enabled=True)
    staff = support_settings()
    staff.suggested_amounts = "EUR once: 25, 50\nEUR monthly: 5, 10, 20\nEUR annual: 60"
    staff.save()


@pytest.fixture
def reader_without_javascript(chromium, live_server, settings):
    settings.SITE_URL = live_server.url
    _plain_static_names(settings)
    context, reader = _open_reader(chromium, live_server, java_script_enabled=False, **DESKTOP)
    yield reader
    context.close()


def test_a_reader_without_javascript_gives_monthly(test_payments, reader_without_javascript):
    reader = reader_without_javascript
    page = reader.page
    reader.open("/support/")
    form = page.locator("main form.donate-form")
    expect(form.locator("[data-frequency=once]")).to_be_visible()
    form.get_by_text("Monthly", exact=True).click()
    expect(form.locator("[data-frequency=once]")).to_be_hidden()  # CSS alone shows the chosen row
    form.locator("[data-frequency=monthly]").get_by_text("€20", exact=True).click()
    reader.screenshot("support-no-js.png")
    form.get_by_role("button", name="Continue").click()
    expect(page.locator(".test-checkout-summary")).to_have_text("You are giving €20 every month.")
    page.get_by_label("Email").fill("offline@example.org")
    page.get_by_role("button", name="Pay €20").click()
    expect(page.locator("main")).to_contain_text("Your monthly donation of €20 has arrived.")
    assert Donation.objects.get().amount == 2000
    assert reader.foreign_requests() == [] and reader.page_errors == []


def test_a_wrong_amount_comes_back_explained_without_javascript(test_payments, reader_without_javascript):
    reader = reader_without_javascript
    page = reader.page
    reader.open("/support/")
    page.get_by_label("Other amount (EUR)").fill("0.40")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_have_text("That amount is below the minimum of €1.")
    expect(page.get_by_label("Other amount (EUR)")).to_have_value("0.40")
    assert not Donation.objects.exists()


def test_the_support_page_fits_a_phone_screen(test_payments, phone_reader):
    phone_reader.open("/support/")
    phone_reader.page.wait_for_load_state("load")
    width = phone_reader.page.evaluate("document.documentElement.scrollWidth")
    phone_reader.screenshot("support-phone.png")
    assert width <= 375 + 1, f"/support/ is {width}px wide on a 375px screen"
    assert phone_reader.problems()["requests to other hosts"] == []
