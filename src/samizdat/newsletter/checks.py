"""`samizdat check`: the email service's bounce webhook must have a secret.

Without one, anyone who knows the address could post a forged bounce or complaint and stop the
newsletter going to any reader they name (webhooks.py keeps such a webhook closed; this says why).
"""

from django.core.checks import Error

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
