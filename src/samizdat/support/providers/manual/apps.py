from django.apps import AppConfig


class ManualConfig(AppConfig):
    name = "samizdat.support.providers.manual"
    label = "support_manual"
    verbose_name = "Reader revenue: manual payments"
