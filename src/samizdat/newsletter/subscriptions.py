"""Joining and leaving: signup with double opt-in, confirmation, one-click unsubscribe, preferences.

Every answer a reader gets is the same whether or not the address was known, so the signup form
can't be used to find out who reads us; a known address is sent at most one confirmation an hour.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import Site

from samizdat.core.links import absolute_url
from samizdat.core.models import NewsroomSettings

from .models import Newsletter, Subscriber, Subscription, Suppression
from .privacy import is_erased
from .tasks import send_confirmation_task

CONFIRMATION_INTERVAL = timedelta(hours=1)
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")  # Newsletter.slug, a SlugField


class SignupError(Exception):
    """Something the reader can fix, said for the reader."""


class PreferencesError(Exception):
    """A preferences form we can't read; said for the reader. Nothing was changed."""


class OutdatedLink(Exception):
    """A confirmation link made before the reader unsubscribed: it must not sign them up again."""


def normalise_email(value):
    """The address as we store it: trimmed, lower case (mail servers treat case alike in practice)."""
    email = (value or "").strip().lower()
    if not email:
        raise SignupError(gettext("Please enter your email address."))
    if len(email) > 254:
        raise SignupError(gettext("That email address is too long."))
    try:
        validate_email(email)
    except ValidationError:
        raise SignupError(gettext("That doesn't look like an email address. Please check it and try again.")) from None
    if '"' in email or "\\" in email:
        # A quoted name ("ana"@example.org) is valid but no reader types one, and each spelling of
        # it would count as another inbox against the per-inbox limits.
        raise SignupError(gettext("Please type your email address without quotation marks."))
    return email


def newsletter_named(slug):
    """The newsletter a signup form names by its slug, or None. Only a slug can name one: anything
    else (a NUL byte, which PostgreSQL refuses even in a query) is no newsletter, not an error."""
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        return None
    return Newsletter.objects.filter(slug=slug).first()


def privacy_policy_url():
    site = Site.objects.filter(is_default_site=True).first()
    page = NewsroomSettings.for_site(site).privacy_policy_page if site else None
    return page.url if page else ""


def signup_heading(newsletter):
    if newsletter.weekly:
        return gettext("Sign up for our free weekly newsletter")
    return gettext("Sign up for %(name)s") % {"name": newsletter.name}


def consent_line():
    """The sentence under the signup form when no privacy page is set (the block links it when one is)."""
    return gettext("Subscribers agree to the Privacy Policy")


def consent_wording(newsletter):
    """What the signup block says, word for word: stored with each subscription as the consent."""
    parts = [f"{signup_heading(newsletter)}: {newsletter.name}."]
    if newsletter.description:
        parts.append(newsletter.description.strip())
    policy = privacy_policy_url()
    parts.append(consent_line() + (f" ({absolute_url(policy)})." if policy else "."))
    return " ".join(parts)


def sign_up(email, newsletter, *, source="signup form", now=None, confirmation_allowed=None, language=""):
    """Record the wish to subscribe and send a confirmation (at most one an hour per address).

    `confirmation_allowed(email)`, when given, is asked only when a confirmation is due, and False
    keeps it from going (a flood of +tag variants of one inbox: newsletter/limits.py). `language`
    is the one the signup page was in, kept with a new subscriber.
    Returns nothing a caller could tell apart: the reader is told to check their inbox either way."""
    email = normalise_email(email)
    if is_erased(email):
        return  # erased on request: never signed up or mailed again, and the answer is the same
    now = now or timezone.now()
    double_opt_in = settings.NEWSLETTER_DOUBLE_OPT_IN
    with transaction.atomic():
        subscriber = _subscriber_for(email, now, language)
        subscription, created = Subscription.objects.select_for_update().get_or_create(
            subscriber=subscriber,
            newsletter=newsletter,
            defaults={"consent_at": now, "consent_text": consent_wording(newsletter), "consent_source": source},
        )
        if subscription.status == Subscription.ACTIVE:
            return
        subscription.consent_at, subscription.consent_text, subscription.consent_source = now, consent_wording(newsletter), source
        if not double_opt_in:
            _activate(subscription, now)
            return
        subscription.status = Subscription.PENDING
        subscription.save()
        # One confirmation an hour per address, decided by a conditional update so two requests at
        # once can't both win. Enqueued in this transaction: with the database queue the email is
        # stored with the signup, never one without the other.
        # A confirmation sent before the reader unsubscribed no longer works (check_link_still_valid),
        # so one signing up again within the hour gets a new one at once.
        since = now - CONFIRMATION_INTERVAL
        if subscription.unsubscribed_at and subscription.unsubscribed_at > since:
            since = subscription.unsubscribed_at
        due = (
            Subscriber.objects.filter(pk=subscriber.pk)
            .filter(_no_confirmation_since(since))
            .update(confirmation_sent_at=now)
        )
        if due and (confirmation_allowed is None or confirmation_allowed(email)):
            send_confirmation_task.enqueue(subscription.pk)


def _no_confirmation_since(moment):
    return Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lte=moment)


def _subscriber_for(email, now, language=""):
    subscriber = Subscriber.objects.filter(email=email).first()
    if subscriber:
        return subscriber
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=email, created_at=now, language=language)
    except IntegrityError:  # created by a request running at the same moment
        return Subscriber.objects.get(email=email)


def _activate(subscription, now):
    subscription.status = Subscription.ACTIVE
    subscription.confirmed_at = now
    subscription.unsubscribed_at = None
    subscription.save()
    # Signing up anew lifts an earlier bounce, complaint or unsubscribe.
    Suppression.objects.filter(email=subscription.subscriber.email).delete()


def check_link_still_valid(subscription, issued_at):
    """Raise OutdatedLink for a confirmation link made before the reader's last unsubscribe: their
    leaving is the newer wish, and an old email found later must not undo it."""
    if subscription.status == Subscription.ACTIVE:
        return
    if subscription.unsubscribed_at is not None and issued_at < subscription.unsubscribed_at:
        raise OutdatedLink()


def confirm(subscription_id, issued_at, now=None):
    """Follow a confirmation link made at `issued_at`: the subscription starts. Returns it, or None
    if it is gone; OutdatedLink if the reader unsubscribed after the link was made."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().select_related("subscriber", "newsletter").filter(pk=subscription_id).first()
        if subscription is None:
            return None
        check_link_still_valid(subscription, issued_at)
        if subscription.status != Subscription.ACTIVE:
            _activate(subscription, now or timezone.now())
        return subscription


def unsubscribe(subscriber_id, newsletter_id, now=None):
    """Leave one newsletter, at once. Returns the newsletter left, or None when nothing matched
    (a link to a deleted subscriber still answers kindly)."""
    now = now or timezone.now()
    subscription = Subscription.objects.select_related("newsletter").filter(subscriber_id=subscriber_id, newsletter_id=newsletter_id).first()
    if subscription is None:
        return Newsletter.objects.filter(pk=newsletter_id).first()
    if subscription.status != Subscription.UNSUBSCRIBED:
        Subscription.objects.filter(pk=subscription.pk).update(status=Subscription.UNSUBSCRIBED, unsubscribed_at=now)
    return subscription.newsletter


def unsubscribe_everywhere(subscriber, now=None):
    """Leave every newsletter and stay off every list until signing up anew."""
    now = now or timezone.now()
    subscriber.subscriptions.exclude(status=Subscription.UNSUBSCRIBED).update(status=Subscription.UNSUBSCRIBED, unsubscribed_at=now)
    suppress(subscriber.email, Suppression.UNSUBSCRIBED, "from the preferences page")


# Newsletter ids are database keys: plain ASCII digits, and never longer than a 64-bit number.
LONGEST_ID = 19


def newsletter_choices(values):
    """The newsletter ids ticked on the preferences form. str.isdigit() alone takes "²", which int()
    refuses, and "٣", which int() reads as 3; int() refuses numbers over 4,300 digits. Our form only
    ever sends plain numbers: anything else is a form we can't read, and PreferencesError says so
    rather than guessing (or unticking every newsletter)."""
    chosen = set()
    for value in values:
        if not (value.isascii() and value.isdigit() and len(value) <= LONGEST_ID):
            raise PreferencesError(gettext(
                "We couldn't read your choices, so nothing was changed. Please tick the newsletters you want and save again."
            ))
        chosen.add(int(value))
    return chosen


def save_preferences(subscriber, form, now=None):
    """The preferences form as posted: everything off, or exactly the newsletters ticked.
    PreferencesError, with nothing changed, if the form can't be read."""
    if form.get("everything"):
        unsubscribe_everywhere(subscriber, now)
    else:
        set_preferences(subscriber, newsletter_choices(form.getlist("newsletter")), now)


def set_preferences(subscriber, wanted_ids, now=None):
    """The preferences page: newsletters ticked stay or start (the link proves the address), the
    others stop."""
    now = now or timezone.now()
    for newsletter in Newsletter.objects.all():
        subscription = subscriber.subscriptions.filter(newsletter=newsletter).first()
        if newsletter.pk in wanted_ids:
            if subscription is None:
                subscription = Subscription(subscriber=subscriber, newsletter=newsletter)
            if subscription.status != Subscription.ACTIVE:
                subscription.consent_at, subscription.consent_source = now, "preferences page"
                subscription.consent_text = consent_wording(newsletter)
                _activate(subscription, now)
        elif subscription and subscription.status != Subscription.UNSUBSCRIBED:
            unsubscribe(subscriber.pk, newsletter.pk, now)


def suppress(email, reason, detail=""):
    """Never mail this address again (until its owner signs up anew)."""
    email = (email or "").strip().lower()
    if not email:
        return
    Suppression.objects.update_or_create(email=email, defaults={"reason": reason, "detail": detail[:255], "created_at": timezone.now()})

