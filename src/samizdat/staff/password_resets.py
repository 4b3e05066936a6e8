"""How many password-reset emails may be asked for: STAFF_PASSWORD_RESETS_PER_HOUR per address and per client."""

from datetime import timedelta

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils import timezone

from samizdat.core.clients import client_key
from samizdat.staff.models import PasswordResetRequest


def account_key(email):
    """A keyed hash of the address a reset was asked for: counted without keeping the email."""
    normalised = email.strip().lower()
    return salted_hmac("samizdat.staff.password_reset", normalised, algorithm="sha256").hexdigest()[:32]


def password_reset_allowed(request, email):
    """Count a reset request; False when this address or this client asked too often in the last hour.

    Every request counts, whether or not the address has an account, so the answer tells nothing
    about which accounts exist.
    """
    PasswordResetRequest.objects.filter(requested_at__lt=timezone.now() - timedelta(hours=1)).delete()
    account, client = account_key(email), client_key(request)
    limit = settings.STAFF_PASSWORD_RESETS_PER_HOUR
    too_many = (
        PasswordResetRequest.objects.filter(account=account).count() >= limit
        or PasswordResetRequest.objects.filter(client=client).count() >= limit
    )
    PasswordResetRequest.objects.create(account=account, client=client)
    return not too_many
