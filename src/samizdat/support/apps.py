from django.apps import AppConfig

from samizdat.core import content_security

from .providers import checkout_origins


class SupportConfig(AppConfig):
    name = "samizdat.support"
    label = "support"
    verbose_name = "Reader revenue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from samizdat.core import privacy as personal_data

        from . import privacy

        personal_data.register(privacy.LABEL, privacy.find, privacy.erase)
        content_security.add_sources(checkout_origins)
