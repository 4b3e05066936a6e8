"""Payment providers, one folder each behind providers.base.Provider (the way django-anymail has
one module per email service). Each is a small Django app that registers itself in its own
wagtail_hooks.py, so adding one touches nothing here:

  register_payment_provider  a function returning the Provider class
  register_support_urls      a function returning URL patterns of its own pages under /support/

SUPPORT_PROVIDERS names which may be offered, in order; each is offered only when configured
(Stripe keys, bank or crypto details, test payments on).
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
    """The providers readers may choose now, in SUPPORT_PROVIDERS order."""
    found = []
    for name in settings.SUPPORT_PROVIDERS:
        provider = get_provider(name)
        if provider is not None and provider.is_available():
            found.append(provider)
    return found


def checkout_origins():
    """Other sites the donate form may send readers to, for the pages' Content-Security-Policy:
    asked of every provider SUPPORT_PROVIDERS names, configured or not in the database."""
    if not settings.SUPPORT_ENABLED:
        return {}
    providers = [get_provider(name) for name in settings.SUPPORT_PROVIDERS]
    origins = [origin for provider in providers if provider is not None for origin in provider.checkout_origins()]
    return {"form-action": origins} if origins else {}
