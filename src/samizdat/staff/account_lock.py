"""A cap on wrong passwords for one account from every client together (settings.AXES_HANDLER).

django-axes counts per account and client (AXES_LOCKOUT_PARAMETERS) against one limit: it can't say
"10 from one client, or 50 from all". Many clients (a botnet, or fresh addresses) each staying under
STAFF_LOGIN_FAILURES could guess without end. This handler is axes' own database handler with one
more rule: once STAFF_ACCOUNT_FAILURES wrong passwords for one account, from all clients, fall within
STAFF_LOCKOUT_MINUTES (axes' cool-off), signing in to that account is refused for everyone, the right
password too, with the same page (staff.lockout). The count is the sum of axes' own rows for that
username (keyed client hashes, no IP address, no password): no second store. It is recorded in the
audit log, once per lockout window, so an Administrator sees the account is under attack.

Refused tries count as well (axes' AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT): the account stays
locked while the guessing goes on. `samizdat axes_reset_username NAME` lifts it. 0 turns the cap off.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum
from wagtail.models import ModelLogEntry

from samizdat.staff.audit import record

ACCOUNT_LOCKED = "samizdat_staff.account_locked"


def account_failures(request, username):
    """Wrong passwords for `username` from all clients within the lockout window."""
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def account_locked(request, credentials=None):
    limit = settings.STAFF_ACCOUNT_FAILURES
    username = get_client_username(request, credentials)
    return bool(limit) and bool(username) and account_failures(request, username) >= limit


class StaffAxesHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None):
        if account_locked(request, credentials):
            request.staff_account_locked = True  # staff.lockout says "for everyone"
            return True
        return super().is_locked(request, credentials)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or not account_locked(request, credentials):
            return
        # This failure reached the cap (or came while it holds): answered with the page at once.
        request.staff_account_locked = True
        request.axes_locked_out = True
        request.axes_credentials = credentials
        _record(request, get_client_username(request, credentials))


def _record(request, username):
    """One audit entry per account and lockout window, however many tries are refused."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return  # no such account: nothing to tell anyone about (it is refused all the same)
    recent = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk),
        action=ACCOUNT_LOCKED, timestamp__gte=get_cool_off_threshold(request),
    )
    if not recent.exists():
        record(user, ACCOUNT_LOCKED, failures=account_failures(request, username),
               lockout_minutes=settings.STAFF_LOCKOUT_MINUTES)
