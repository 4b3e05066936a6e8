"""Each payment provider has its own page under Settings in the admin: what staff save there is what
readers are offered, on the published /support/ page and on the provider's own pages."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import Site

from samizdat.publishing.rebuild import rebuild_site

from .conftest import donate

pytestmark = pytest.mark.django_db

IBAN = "Lindenport Courier Cooperative\nIBAN DE89 3704 0044 0532 0130 00"


def settings_page(app_label, model_name):
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=[app_label, model_name, site.pk])


def save_in_admin(client, page, **fields):
    response = client.post(page, fields)
    assert response.status_code == 302, response.content.decode()[:2000]


def offered(html):
    return [choice["value"] for choice in BeautifulSoup(html, "html.parser").select(".donate-form input[name=provider]")]


def test_each_provider_has_its_own_page_in_the_settings_menu(staff):
    menu = staff.get("/admin/").content.decode()
    for label, app_label, model_name in [("Bank transfer and crypto", "support_manual", "manualpaymentsettings"),
                                         ("Test payments", "support_test", "testpaymentsettings")]:
        assert f'"label": "{label}"' in menu and f"/admin/settings/{app_label}/{model_name}/" in menu
        assert staff.get(settings_page(app_label, model_name)).status_code == 200
    shared = BeautifulSoup(staff.get(settings_page("support", "supportsettings")).content, "html.parser")
    assert shared.select_one("[name=suggested_amounts]") and not shared.select_one("[name=bank_transfer_details]")


def test_bank_details_saved_in_the_admin_offer_bank_transfer_on_the_published_support_page(staff, public):
    rebuild_site()
    assert "manual" not in offered(public.text("/support/"))
    page = settings_page("support_manual", "manualpaymentsettings")
    save_in_admin(staff, page, bank_transfer_details=IBAN, crypto_addresses="")
    assert offered(public.text("/support/")) == ["manual"]
    transfer = donate(staff, provider="manual", frequency="once", amount_once="25")["Location"]
    assert "IBAN DE89 3704 0044 0532 0130 00" in staff.get(transfer).content.decode()

    save_in_admin(staff, page, bank_transfer_details="", crypto_addresses="")
    assert "manual" not in offered(public.text("/support/"))
    assert donate(staff, provider="manual", frequency="once", amount_once="25").status_code == 400


def test_test_payments_switched_off_in_the_admin_are_no_longer_offered(staff, public, settings):
    settings.SUPPORT_TEST_PAYMENTS = True
    page = settings_page("support_test", "testpaymentsettings")
    save_in_admin(staff, page, enabled="on")
    assert offered(public.text("/support/")) == ["test"]
    assert donate(staff).status_code == 303

    save_in_admin(staff, page)  # the box unticked
    assert offered(public.text("/support/")) == []
    assert donate(staff).status_code == 400
