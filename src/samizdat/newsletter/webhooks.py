"""The email services' bounce and complaint webhooks (django-anymail), at /newsletter/webhooks/.

Anymail verifies each call (ANYMAIL["WEBHOOK_SECRET"], or the service's own signing key) and
normalises its events. Only the tracking webhook of the service EMAIL_BACKEND sends through
answers, and only when it can check who calls it: every other address (another service's, one
whose key or secret is missing) is a 404, because anymail would fail with a 500 reading its missing
settings, or, without a secret, take a forged bounce from anyone and stop mailing a reader. The
newsletter's system check (checks.py) makes a missing secret an error. A payload anymail can't
parse is answered with a 400 rather than a 500.
"""

import logging
import warnings
from functools import wraps

from anymail import urls as anymail_urls
from anymail.exceptions import (
    AnymailConfigurationError,
    AnymailImproperlyInstalled,
    AnymailInsecureWebhookWarning,
    AnymailWebhookValidationFailure,
)
from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseForbidden, HttpResponseNotFound
from django.urls import URLPattern
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger(__name__)
ANYMAIL_BACKENDS = "anymail.backends."
TRACKING = "_tracking_webhook"


def configured_service():
    """The anymail service the site sends through ("postmark" for anymail.backends.postmark.EmailBackend), or None."""
    backend = settings.EMAIL_BACKEND
    return backend[len(ANYMAIL_BACKENDS):].split(".")[0] if backend.startswith(ANYMAIL_BACKENDS) else None


def tracking_pattern(service):
    """Anymail's URL pattern for this service's bounce and complaint events, or None if it has none."""
    return next((p for p in anymail_urls.urlpatterns if p.name == f"{service}{TRACKING}"), None)


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


def only_when_set_up(view, service):
    @wraps(view)
    def webhook(request, *args, **kwargs):
        if service != configured_service() or not is_set_up(view.view_class, view.view_initkwargs):
            return not_set_up()
        try:
            return view(request, *args, **kwargs)
        except (AnymailConfigurationError, AnymailImproperlyInstalled):  # a key some services read only now (Mandrill)
            return not_set_up()
        except AnymailWebhookValidationFailure:  # wrong secret or signature: a 403, not anymail's 400 and traceback
            logger.warning("Refused a %s webhook call that could not be verified", service)  # never the caller or payload
            return HttpResponseForbidden(gettext("This webhook call could not be verified.\n"), content_type="text/plain")
        except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):  # JSON nested past the stack
            return HttpResponseBadRequest(gettext("This webhook call could not be read.\n"), content_type="text/plain")

    return csrf_exempt(webhook)


# Settings are read per request, not here, so that a test (or the check) sees the service it set.
urlpatterns = [
    URLPattern(pattern.pattern, only_when_set_up(pattern.callback, pattern.name[: -len(TRACKING)]), pattern.default_args, pattern.name)
    for pattern in anymail_urls.urlpatterns
    if pattern.name.endswith(TRACKING)  # inbound mail is not read: its webhooks stay closed
]
