from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class NewsletterConfig(AppConfig):
    name = "samizdat.newsletter"
    label = "newsletter"
    verbose_name = "Newsletter"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from samizdat.core import privacy as personal_data

        from . import bounces, privacy
        from .checks import bounce_address_is_used, dkim_is_whole, webhook_has_a_secret
        from .permissions import give_editors_the_newsletter

        bounces.connect()
        personal_data.register(privacy.LABEL, privacy.find, privacy.erase, privacy.purge)
        checks.register(webhook_has_a_secret, checks.Tags.security)
        checks.register(bounce_address_is_used)
        checks.register(dkim_is_whole)
        post_migrate.connect(give_editors_the_newsletter, sender=self)
