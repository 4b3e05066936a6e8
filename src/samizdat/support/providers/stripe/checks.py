"""`samizdat check`: Stripe offered without its webhook secret is an error.

The webhook refuses every event without STRIPE_WEBHOOK_SECRET (webhooks.py): nothing
unsigned is ever believed. But then no card gift is ever recorded, though readers are charged.
"""

from django.core.checks import Error

from .conf import secret_key, webhook_secret


def stripe_has_a_webhook_secret(app_configs, **kwargs):
    if not secret_key() or webhook_secret():
        return []
    return [Error(
        "Stripe is offered (STRIPE_SECRET_KEY is set) but STRIPE_WEBHOOK_SECRET is not: every Stripe webhook is refused, "
        "so gifts readers pay are never recorded.",
        hint="Add the endpoint https://your.site/support/webhooks/stripe/ in Stripe's dashboard and set "
             "STRIPE_WEBHOOK_SECRET to its signing secret (whsec_...), or unset STRIPE_SECRET_KEY to stop offering Stripe.",
        id="samizdat.support.E001",
    )]
