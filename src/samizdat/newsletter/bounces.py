"""Bounces and complaints reported by email services, through django-anymail's tracking webhooks.

Each service's webhook is verified by anymail (ANYMAIL["WEBHOOK_SECRET"]) and turned into one
normalised event; a hard bounce, a rejection or a complaint suppresses the address at once.
"""

from anymail.signals import tracking

from .models import Suppression
from .subscriptions import suppress

SUPPRESSING_EVENTS = {
    "bounced": Suppression.BOUNCED,
    "rejected": Suppression.BOUNCED,
    "complained": Suppression.COMPLAINED,
    "unsubscribed": Suppression.UNSUBSCRIBED,
}


# A rejection suppresses only when it is about the address (not, say, our unconfirmed sender).
ADDRESS_REJECTIONS = {"invalid", "bounced", "blocked", "spam", "unsubscribed"}


def handle_tracking_event(sender, event, esp_name, **kwargs):
    reason = SUPPRESSING_EVENTS.get(event.event_type)
    if event.event_type == "rejected" and event.reject_reason not in ADDRESS_REJECTIONS:
        reason = None
    if reason and event.recipient:
        detail = f"{esp_name}: {event.event_type}" + (f" ({event.reject_reason})" if event.reject_reason else "")
        suppress(event.recipient, reason, detail)


def connect():
    tracking.connect(handle_tracking_event, dispatch_uid="newsletter-tracking")
