"""The email services' tracking webhooks (django-anymail), mounted at /newsletter/webhooks/.

Anymail verifies each call (ANYMAIL["WEBHOOK_SECRET"], or the service's own signing key) and
normalises its events. Every service's address is mounted, but only one that is set up answers:
another's (or one whose key or secret is missing) is a 404, because anymail would fail with a 500
reading its missing settings, or, without a secret, take a forged bounce from anyone and stop
mailing a reader. A payload anymail can't parse is answered with a 400 rather than a 500.
"""

import warnings
from functools import wraps

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailConfigurationError, AnymailImproperlyInstalled, AnymailInsecureWebhookWarning
from django.http import HttpResponseBadRequest, HttpResponseNotFound
from django.urls import URLPattern
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt


def is_set_up(view_class, view_initkwargs):
    """Whether this service's webhook can check who calls it: its settings are all there (anymail
    reads them when the view is made) and it has the basic-auth secret or a signature of its own."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AnymailInsecureWebhookWarning)  # the answer below says it
            view = view_class(**view_initkwargs)
    except (AnymailConfigurationError, AnymailImproperlyInstalled):
        return False
    return bool(getattr(view, "basic_auth", None)) or not getattr(view, "warn_if_no_basic_auth", True)


def not_set_up():
    return HttpResponseNotFound(gettext("This email service's webhook is not set up on this site.\n"), content_type="text/plain")


def only_when_set_up(view):
    @wraps(view)
    def webhook(request, *args, **kwargs):
        if not is_set_up(view.view_class, view.view_initkwargs):
            return not_set_up()
        try:
            return view(request, *args, **kwargs)
        except (AnymailConfigurationError, AnymailImproperlyInstalled):  # a key some services read only now (Mandrill)
            return not_set_up()
        except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):  # JSON nested past the stack
            return HttpResponseBadRequest(gettext("This webhook call could not be read.\n"), content_type="text/plain")

    return csrf_exempt(webhook)


urlpatterns = [
    URLPattern(pattern.pattern, only_when_set_up(pattern.callback), pattern.default_args, pattern.name)
    for pattern in anymail_urls.urlpatterns
]
