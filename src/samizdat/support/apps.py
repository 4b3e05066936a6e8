from django.apps import AppConfig
from django.core import checks

from samizdat.core import content_security

from .checks import stripe_has_a_webhook_secret


class SupportConfig(AppConfig):
    name = "samizdat.support"
    label = "support"
    verbose_name = "Reader revenue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from samizdat.core import privacy as personal_data

        from . import privacy
        from .providers import checkout_origins

        personal_data.register(privacy.LABEL, privacy.find, privacy.erase)
        checks.register(stripe_has_a_webhook_secret, checks.Tags.security)
        content_security.add_sources(checkout_origins)
