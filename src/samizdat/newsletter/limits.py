"""Signup floods: limits per inbox, whatever spelling of it is typed.

`reader+1@example.org`, `reader+2@example.org` and `Reader@example.org` reach one inbox, so they are
counted as one: lower case, the `+tag` dropped, and for Gmail (gmail.com, googlemail.com, which
ignore dots in the name) the dots too. Other providers may treat dots as significant, so only
Gmail's are dropped. The addresses are still stored as typed: a reader's +tag is theirs to use.

Counts are kept by django-ratelimit in the "limits" cache, under a keyed hash of the inbox: no
address is written there.
"""


from django.conf import settings
from django.utils.crypto import salted_hmac
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django_ratelimit.core import is_ratelimited

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def mailbox(email):
    """The inbox an address reaches, for counting: 'R.eader+news@GoogleMail.com' -> 'reader@gmail.com'."""
    name, _, domain = (email or "").strip().lower().rpartition("@")
    # A quoted name ("ana", "a\\na") reaches the same inbox as the plain one.
    name = "".join(character for character in name if character not in '"\\' and not character.isspace())
    name = name.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        name, domain = name.replace(".", ""), "gmail.com"
    return f"{name}@{domain}"


def mailbox_key(email):
    return salted_hmac("samizdat.newsletter.mailbox", mailbox(email), algorithm="sha256").hexdigest()[:32]


def _posted_email(request):
    email = request.POST.get("email", "").strip()
    try:
        validate_email(email[:254])
    except ValidationError:
        return ""
    return email


def signup_mailbox(group, request):
    """django-ratelimit's key for a signup: the inbox it is for."""
    return mailbox_key(_posted_email(request))


def signup_mailbox_rate(group, request):
    """A signup without a readable address gets its clear error, not a count shared by everyone's typos."""
    return settings.LIMIT_SIGNUPS_PER_MAILBOX if _posted_email(request) else None


def confirmation_allowed(request, email):
    """Counts one confirmation email to this inbox: False past LIMIT_CONFIRMATIONS_PER_MAILBOX."""
    return not is_ratelimited(
        request,
        group="newsletter.confirmations",
        key=lambda group, request: mailbox_key(email),
        rate=lambda group, request: settings.LIMIT_CONFIRMATIONS_PER_MAILBOX,
        increment=True,
    )
