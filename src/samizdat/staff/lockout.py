"""The page a locked-out sign-in gets (settings.AXES_LOCKOUT_CALLABLE): in the admin's look, saying when to try again.

Imported by settings.py, so it imports nothing that needs the apps loaded.
"""

from django.conf import settings
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    context = {"failure_limit": settings.STAFF_LOGIN_FAILURES, "lockout_minutes": settings.STAFF_LOCKOUT_MINUTES}
    return render(request, "staff/locked_out.html", context, status=429)
