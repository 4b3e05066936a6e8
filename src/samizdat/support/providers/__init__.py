"""Payment providers, one folder each behind providers.base.Provider (the way django-anymail has
one module per email service). Each is a small Django app that registers itself in its own
wagtail_hooks.py, so adding one touches nothing here:

  register_payment_provider  a function returning the Provider class
  register_support_urls      a function returning URL patterns of its own pages under /support/

A provider is offered once configured (Stripe's keys, bank or crypto details, test payments
switched on), in the order of INSTALLED_APPS; its own settings live in its own app.
"""

from django.conf import settings
from wagtail import hooks

PROVIDER_HOOK = "register_payment_provider"
URLS_HOOK = "register_support_urls"


def registered():
    """Every registered provider class, by name."""
    return {provider.name: provider for provider in (register() for register in hooks.get_hooks(PROVIDER_HOOK))}


def get_provider(name):
    """The provider called `name`, or None if there is no such provider."""
    provider = registered().get(name or "")
    return provider() if provider else None


def without_money():
    """Names of the providers whose gifts move no money: they never count as revenue."""
    return [name for name, provider in registered().items() if not provider.moves_money]


def confirmed_by_staff():
    """Names of the providers whose gifts staff confirm by hand when the money arrives."""
    return [name for name, provider in registered().items() if provider.confirmed_by_staff]


def provider_urls():
    """The URL patterns registered providers add under /support/."""
    return [pattern for urls in hooks.get_hooks(URLS_HOOK) for pattern in urls()]


def offered():
    """The providers readers may choose now: registered, configured and switched on."""
    providers = (provider() for provider in registered().values())
    return [provider for provider in providers if provider.is_available()]


def checkout_origins():
    """Other sites the donate form may send readers to, for the pages' Content-Security-Policy."""
    if not settings.SUPPORT_ENABLED:
        return {}
    origins = [origin for provider in registered().values() for origin in provider().checkout_origins()]
    return {"form-action": origins} if origins else {}
