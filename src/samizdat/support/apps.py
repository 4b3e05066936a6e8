from django.apps import AppConfig
from django.core import checks

from .checks import stripe_has_a_webhook_secret


class SupportConfig(AppConfig):
    name = "samizdat.support"
    label = "support"
    verbose_name = "Reader revenue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from samizdat.core import privacy as personal_data

        from . import privacy

        personal_data.register(privacy.LABEL, privacy.find, privacy.erase)
        checks.register(stripe_has_a_webhook_secret, checks.Tags.security)
