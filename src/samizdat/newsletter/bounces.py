"""Bounces and complaints reported by email services, through django-anymail's tracking webhooks.

Each service's webhook is verified by anymail (ANYMAIL["WEBHOOK_SECRET"]) and turned into one
normalised event; a hard bounce, a rejection or a complaint suppresses the address at once.
A bounce whose server answer says it is about the sender or the message (5.7.x: DMARC, DKIM,
policy) suppresses nobody: that is a fault of the send, and would otherwise cost every reader it
touched their newsletter.
"""

import logging

from anymail.signals import tracking

from .failures import enhanced_status, server_answer
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


logger = logging.getLogger(__name__)


def is_about_the_address(event):
    """An enhanced status in the server's answer decides (5.1.x address, 5.2.x mailbox); without
    one, the service's own reason does."""
    answer = str(event.mta_response or "").strip()
    status = enhanced_status(answer[4:] if answer[:3].isdigit() else answer)  # "550 5.1.1 ..." too
    if status is not None:
        return status[0] == 5 and status[1] in (1, 2)
    return event.reject_reason in ADDRESS_REJECTIONS


def handle_tracking_event(sender, event, esp_name, **kwargs):
    reason = SUPPRESSING_EVENTS.get(event.event_type)
    if event.event_type in ("bounced", "rejected") and not is_about_the_address(event):
        if reason:
            logger.warning("%s reported a %s not about the address (%s): nobody suppressed",
                           esp_name, event.event_type, server_answer("", event.mta_response or event.reject_reason))
        reason = None
    if reason and event.recipient:
        detail = f"{esp_name}: {event.event_type}" + (f" ({event.reject_reason})" if event.reject_reason else "")
        suppress(event.recipient, reason, detail)


def connect():
    tracking.connect(handle_tracking_event, dispatch_uid="newsletter-tracking")
