"""Staff actions on personal data, in Wagtail's own log (Reports > Site history): exports and
erasures of one person, spreadsheet exports. The apps log theirs (imports, confirmed gifts) the
same way; the actions are registered in each app's wagtail_hooks.py."""

from django.contrib.auth import get_user_model
from wagtail.log_actions import log

from .models import PersonalDataRequest
from .privacy import email_hash

PRIVACY_EXPORT = "samizdat.privacy.export"
PRIVACY_ERASE = "samizdat.privacy.erase"
SPREADSHEET_EXPORT = "samizdat.spreadsheet_export"


def log_personal_data_request(kind, email, user=None, data=None):
    """One export or erasure, logged against a record that holds a hash of the address only."""
    request = PersonalDataRequest.objects.create(kind=kind, person=email_hash(email))
    action = PRIVACY_ERASE if kind == PersonalDataRequest.ERASURE else PRIVACY_EXPORT
    log(request, action, user=user, data=data or {})
    return request


def account(user):
    """The user as a plain User row. request.user is a lazy stand-in (twice over with django-otp's
    middleware), and Wagtail's log finds no log model for it: the entry would be dropped silently."""
    User = get_user_model()
    return user if type(user) is User else User.objects.get(pk=user.pk)


def log_spreadsheet_export(user, listing, export_format, filters):
    """Who downloaded which listing (and with which filters): logged against their own account."""
    user = account(user)
    log(user, SPREADSHEET_EXPORT, user=user, title=f"{listing} ({export_format.upper()})",
        data={"listing": listing, "format": export_format, "filters": filters})
