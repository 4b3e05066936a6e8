"""Payment providers, one module each behind providers.base.Provider (the way django-anymail has
one module per email service). SUPPORT_PROVIDERS says which may be offered, in order; each is
offered only when configured (Stripe keys, bank or crypto details, test payments on)."""

from django.conf import settings
from django.utils.module_loading import import_string

PROVIDERS = {
    "stripe": "samizdat.support.providers.stripe.StripeProvider",
    "manual": "samizdat.support.providers.manual.ManualProvider",
    "test": "samizdat.support.providers.test.TestProvider",
}


def get_provider(name):
    """The provider called `name`, or None if there is no such provider."""
    path = PROVIDERS.get(name or "")
    return import_string(path)() if path else None


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
