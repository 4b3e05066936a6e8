"""Signed links in emails: confirm a signup, unsubscribe in one click, change preferences.

Signed with SECRET_KEY rather than stored, so a link works without a table of tokens and can't be
guessed. Unsubscribe and preferences links never expire (an old email must still let a reader
leave); a confirmation link expires after a week, because it starts sending mail to an address.
A confirmation link carries the moment it was made, so that one made before the reader unsubscribed
can be told apart from one they asked for since.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timezone

from django.core import signing

CONFIRM_MAX_AGE = 7 * 24 * 3600


class BadToken(Exception):
    """The link is damaged, forged or expired."""


@dataclass(frozen=True)
class ConfirmLink:
    subscription_id: int
    issued_at: datetime


def confirm_token(subscription_id, now=None):
    # The signer's own timestamp counts whole seconds; an unsubscribe in the same second as the
    # link must still be ordered against it, hence a precise time in the payload.
    issued = now.timestamp() if now else time.time()
    return signing.dumps([subscription_id, issued], salt="newsletter.confirm")


def read_confirm_token(token):
    """The ConfirmLink a token stands for; BadToken if damaged, forged or older than a week."""
    try:
        value = signing.loads(token, salt="newsletter.confirm", max_age=CONFIRM_MAX_AGE)
        if isinstance(value, list) and len(value) == 2:
            subscription_id, issued = value
        else:
            # A link made before links carried their time: taken as made as early as it can have
            # been (a week ago), so any unsubscribe since outranks it. Failing safe, and without
            # reading the signer's own, undocumented timestamp out of the token.
            subscription_id, issued = value, time.time() - CONFIRM_MAX_AGE
        return ConfirmLink(int(subscription_id), datetime.fromtimestamp(float(issued), tz=timezone.utc))
    except (signing.BadSignature, TypeError, ValueError, OverflowError, OSError) as error:
        raise BadToken(str(error)) from None


_unsubscribe = signing.Signer(salt="newsletter.unsubscribe")
_preferences = signing.Signer(salt="newsletter.preferences")


def unsubscribe_token(subscriber_id, newsletter_id):
    return _unsubscribe.sign(f"{subscriber_id}-{newsletter_id}")


def read_unsubscribe_token(token):
    try:
        subscriber_id, newsletter_id = _unsubscribe.unsign(token).split("-")
        return int(subscriber_id), int(newsletter_id)
    except (signing.BadSignature, ValueError) as error:
        raise BadToken(str(error)) from None


def preferences_token(subscriber_id):
    return _preferences.sign(str(subscriber_id))


def read_preferences_token(token):
    try:
        return int(_preferences.unsign(token))
    except (signing.BadSignature, ValueError) as error:
        raise BadToken(str(error)) from None
