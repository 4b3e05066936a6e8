"""Sign out everywhere: end every session of one user, on every device.

Sessions are kept in the database (Django's default session engine, which settings.py keeps), so
ending them is deleting their rows: the next request from that browser is signed out.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone


def end_sessions(user):
    """Delete the user's sessions; returns how many were ended."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)
