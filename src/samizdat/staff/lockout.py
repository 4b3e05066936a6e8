"""The page a locked-out sign-in gets (settings.AXES_LOCKOUT_CALLABLE): in the admin's look, saying when to try again.

Imported by settings.py, so it imports nothing that needs the apps loaded.
"""

from django.conf import settings
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    # staff.account_lock marks an account locked for every client (wrong passwords from many places).
    everyone = getattr(request, "staff_account_locked", False)
    context = {
        "everyone": everyone,
        "failure_limit": settings.STAFF_ACCOUNT_FAILURES if everyone else settings.STAFF_LOGIN_FAILURES,
        "lockout_minutes": settings.STAFF_LOCKOUT_MINUTES,
    }
    return render(request, "staff/locked_out.html", context, status=429)
