from django.apps import AppConfig
from django.core import checks

from .checks import stripe_has_a_webhook_secret


class StripeConfig(AppConfig):
    name = "samizdat.support.providers.stripe"
    label = "support_stripe"
    verbose_name = "Reader revenue: Stripe"

    def ready(self):
        checks.register(stripe_has_a_webhook_secret, checks.Tags.security)
