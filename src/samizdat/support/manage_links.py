"""Manage-my-donation links: signed and expiring, instead of an account and a password.

A link names a recurring donation (not an email address, so no address sits in URLs or logs) and
is good for SUPPORT_MANAGE_LINK_DAYS.
"""

from django.conf import settings
from django.core import signing

from samizdat.core.links import absolute_url

from .models import RecurringDonation

SALT = "samizdat.support.manage"


def manage_token(recurring):
    return signing.TimestampSigner(salt=SALT).sign(str(recurring.pk))


def manage_url(recurring):
    return absolute_url(f"/support/manage/{manage_token(recurring)}/")


def recurring_for_token(token):
    """The recurring donation a link names, or None if the link is forged, broken or too old."""
    try:
        pk = signing.TimestampSigner(salt=SALT).unsign(token, max_age=settings.SUPPORT_MANAGE_LINK_DAYS * 86400)
        return RecurringDonation.objects.get(pk=int(pk))
    except (signing.BadSignature, RecurringDonation.DoesNotExist, ValueError):
        return None
