"""Upgrading keeps what staff had typed: bank details, crypto addresses and the test-payments switch
move from the shared Reader revenue settings into each provider's own settings, site by site."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.conf import settings
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

# Migrations change the schema, which SQLite can't do inside the transaction a test normally runs in.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("support", "0002_discreet_gifts"), ("support_manual", "0001_initial"), ("support_test", "0001_initial")]
AFTER = [("support", "0003_provider_settings_moved"), ("support_manual", "0002_details_from_reader_revenue_settings"),
         ("support_test", "0002_switch_from_reader_revenue_settings")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def before_upgrade():
    if not Site.objects.filter(is_default_site=True).exists():  # emptied by an earlier transactional test
        ContentType.objects.clear_cache()  # the flush made the content types again, under new ids
        Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        Site.objects.create(hostname="localhost", root_page=root, is_default_site=True)
    apps = migrate(BEFORE)
    try:
        yield apps
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_staffs_payment_details_and_test_switch_are_carried_into_each_providers_settings(before_upgrade):
    sites = before_upgrade.get_model("wagtailcore", "Site")
    main = sites.objects.get(is_default_site=True)
    other = sites.objects.create(hostname="mirror.example", port=80, root_page_id=main.root_page_id)
    shared = before_upgrade.get_model("support", "SupportSettings")
    shared.objects.create(site=main, suggested_amounts="EUR once: 12", test_payments=True,
                          bank_transfer_details="IBAN DE89 3704 0044 0532 0130 00", crypto_addresses="Bitcoin: bc1qxy2")
    shared.objects.create(site=other, test_payments=False, crypto_addresses="Monero: 44AFFq5kSiGBoZ")

    apps = migrate(AFTER)
    manual = apps.get_model("support_manual", "ManualPaymentSettings")
    assert {(row.site_id, row.bank_transfer_details, row.crypto_addresses) for row in manual.objects.all()} == {
        (main.pk, "IBAN DE89 3704 0044 0532 0130 00", "Bitcoin: bc1qxy2"), (other.pk, "", "Monero: 44AFFq5kSiGBoZ")}
    test = apps.get_model("support_test", "TestPaymentSettings")
    assert {(row.site_id, row.enabled) for row in test.objects.all()} == {(main.pk, True), (other.pk, False)}
    assert apps.get_model("support", "SupportSettings").objects.get(site_id=main.pk).suggested_amounts == "EUR once: 12"

    old = migrate(BEFORE)  # and back: a rollback of the deploy loses nothing either
    assert old.get_model("support", "SupportSettings").objects.get(site_id=main.pk).bank_transfer_details.startswith("IBAN DE89")
    assert old.get_model("support", "SupportSettings").objects.get(site_id=other.pk).crypto_addresses == "Monero: 44AFFq5kSiGBoZ"
