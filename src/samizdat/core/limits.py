"""Rate limits on the endpoints anyone can call: past a limit the answer is 429, a page in the
site's look (or JSON for a script that asked for it) with Retry-After.

django-ratelimit counts, in the "limits" cache (shared by the web server's processes). Each limit's
rate is a setting, read per request, so "off" (None) and changes in tests take effect at once.
Keys are keyed hashes (core.clients.client_key, or the caller's own): an address or a mailbox
is never written to the cache as it is.
"""

from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext
from django_ratelimit.core import get_usage

from .clients import client_key


def per_client(group, request):
    """django-ratelimit's key: who is asking, as a keyed hash of their address."""
    return client_key(request)


def limited(group, rate, key=per_client, method="POST"):
    """A view decorator: the `method` requests past `rate` for one key (by default the client)
    within its period are answered 429, without calling the view. `rate` names a setting ("30/h",
    None for no limit), or is django-ratelimit's callable(group, request) giving one."""
    if not callable(rate):
        setting = rate

        def rate(group, request):
            return getattr(settings, setting, None)

    def decorator(view):
        @wraps(view)
        def limited_view(request, *args, **kwargs):
            usage = get_usage(request, group=group, key=key, rate=rate, method=method, increment=True)
            if usage is not None and usage["should_limit"]:
                return too_many_requests(request, usage["time_left"])
            return view(request, *args, **kwargs)

        return limited_view

    return decorator


def too_many_requests(request, seconds_left):
    """429 with Retry-After: a page for people, JSON for the scripts that ask for JSON."""
    # A count the cache could not keep has no window (-1): wait a minute.
    retry_after = max(1, seconds_left) if seconds_left and seconds_left > 0 else 60
    if "application/json" in request.headers.get("Accept", ""):
        message = gettext("Too many tries from here just now. Please try again in a few minutes.")
        response = JsonResponse({"ok": False, "message": message}, status=429)
    else:
        wait = timeuntil(timezone.now() + timedelta(seconds=max(60, retry_after)), depth=1)  # "3 minutes", "1 hour"
        response = render(request, "429.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
