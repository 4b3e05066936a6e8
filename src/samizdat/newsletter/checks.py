"""`samizdat check`: the email service's bounce webhook must have a secret, and a bounce address
must go with a backend that uses it.

Without one, anyone who knows the address could post a forged bounce or complaint and stop the
newsletter going to any reader they name (webhooks.py keeps such a webhook closed; this says why).
"""

from django.conf import settings
from django.core.checks import Error, Warning

from .webhooks import configured_service, is_set_up, tracking_pattern


def webhook_has_a_secret(app_configs, **kwargs):
    service = configured_service()
    pattern = tracking_pattern(service) if service else None
    if pattern is None or is_set_up(pattern.callback.view_class, pattern.callback.view_initkwargs):
        return []  # not an anymail service, one without bounce events (anymail's test backend), or guarded
    return [Error(
        f"EMAIL_BACKEND sends through {service}, but its bounce and complaint webhook "
        f"(/newsletter/webhooks/{pattern.pattern}) has no secret: anyone could stop a reader's newsletter with a forged bounce.",
        hint="Set ANYMAIL_WEBHOOK_SECRET to user:password (a long random password) and give the service the webhook "
             "address with them (https://user:password@your.site/newsletter/webhooks/...). Services that sign their "
             "webhooks need their signing key instead, e.g. ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY.",
        id="samizdat.newsletter.E001",
    )]


RETURN_PATH_BACKEND = "samizdat.newsletter.smtp.EmailBackend"


def bounce_address_is_used(app_configs, **kwargs):
    """Only samizdat's SMTP backend gives each copy its own return path: with another backend the
    reports that arrive later go to the From address and no reader is ever matched to one."""
    if not settings.NEWSLETTER_BOUNCE_ADDRESS or settings.EMAIL_BACKEND == RETURN_PATH_BACKEND:
        return []
    return [Warning(
        f"NEWSLETTER_BOUNCE_ADDRESS is set, but EMAIL_BACKEND ({settings.EMAIL_BACKEND}) sends every copy with the "
        "From address as its return path: bounce reports will not reach the bounce mailbox.",
        hint=f"Use EMAIL_BACKEND={RETURN_PATH_BACKEND} with an SMTP relay, or an email service's webhooks "
             "(docs/newsletter.md, \"Bounces\") and leave NEWSLETTER_BOUNCE_ADDRESS empty.",
        id="samizdat.newsletter.W001",
    )]


DKIM_SETTINGS = ("NEWSLETTER_DKIM_PRIVATE_KEY", "NEWSLETTER_DKIM_DOMAIN", "NEWSLETTER_DKIM_SELECTOR")


def dkim_is_whole(app_configs, **kwargs):
    """Signing needs all three settings: with one missing, editions would go out unsigned, quietly."""
    given = [name for name in DKIM_SETTINGS if getattr(settings, name)]
    if not given or len(given) == len(DKIM_SETTINGS):
        return []
    missing = ", ".join(name for name in DKIM_SETTINGS if name not in given)
    return [Warning(
        f"DKIM signing is half set up: {', '.join(given)} given, {missing} missing, so editions go out unsigned.",
        hint="Set all three (docs/newsletter.md, \"DKIM\"), or none.",
        id="samizdat.newsletter.W002",
    )]
