"""The email services' tracking webhooks (django-anymail), mounted at /newsletter/webhooks/.

Anymail verifies each call (ANYMAIL["WEBHOOK_SECRET"]) and normalises its events; a payload it
can't parse would end in a 500, so each view answers such junk with a 400 instead.
"""

from functools import wraps

from anymail import urls as anymail_urls
from django.http import HttpResponseBadRequest
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt


def answering_junk_with_400(view):
    @wraps(view)
    def webhook(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            return HttpResponseBadRequest("This webhook call could not be read.")

    return csrf_exempt(webhook)


urlpatterns = [
    URLPattern(pattern.pattern, answering_junk_with_400(pattern.callback), pattern.default_args, pattern.name)
    for pattern in anymail_urls.urlpatterns
]
