from django.apps import AppConfig


class TestConfig(AppConfig):
    name = "samizdat.support.providers.test"
    label = "support_test"
    verbose_name = "Reader revenue: test payments"
