"""Signed links in emails: confirm a signup, unsubscribe in one click, change preferences.

Signed with SECRET_KEY rather than stored, so a link works without a table of tokens and can't be
guessed. Unsubscribe and preferences links never expire (an old email must still let a reader
leave); a confirmation link expires after a week, because it starts sending mail to an address.
"""

from django.core import signing

CONFIRM_MAX_AGE = 7 * 24 * 3600


class BadToken(Exception):
    """The link is damaged, forged or expired."""


def confirm_token(subscription_id):
    return signing.dumps(subscription_id, salt="newsletter.confirm")


def read_confirm_token(token):
    try:
        return int(signing.loads(token, salt="newsletter.confirm", max_age=CONFIRM_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError) as error:
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
