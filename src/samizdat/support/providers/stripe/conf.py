"""Stripe's settings, kept with the provider: each is read from Django's settings when set there
(a site's own settings, the tests), else from the environment variable of the same name, else the
default here. docs/configuration.md lists them."""

import os

import stripe
from django.conf import settings


def _setting(name, default):
    return getattr(settings, name) if hasattr(settings, name) else os.environ.get(name, default)


def secret_key():
    """Stripe is offered when it is set."""
    return _setting("STRIPE_SECRET_KEY", "")


def webhook_secret():
    """The webhook endpoint's signing secret (whsec_...); every webhook is refused without it."""
    return _setting("STRIPE_WEBHOOK_SECRET", "")


def api_base():
    return _setting("STRIPE_API_BASE", "https://api.stripe.com")


def checkout_origin():
    """Where Stripe Checkout's page is: the donate form's Content-Security-Policy lets readers go there."""
    return _setting("STRIPE_CHECKOUT_ORIGIN", "https://checkout.stripe.com").rstrip("/")


def timeout():
    """Seconds to wait for Stripe when a reader presses Continue."""
    return int(_setting("STRIPE_TIMEOUT", "20"))


def client():
    """The official SDK's client, with our key, address and patience."""
    return stripe.StripeClient(
        secret_key(),
        base_addresses={"api": api_base()},
        max_network_retries=1,
        http_client=stripe.RequestsClient(timeout=timeout()),
    )
