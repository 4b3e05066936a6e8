from django.apps import AppConfig

from samizdat.core import content_security


class SupportConfig(AppConfig):
    name = "samizdat.support"
    label = "support"
    verbose_name = "Reader revenue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .providers import checkout_origins

        content_security.add_sources(checkout_origins)
