"""Background work of the newsletter besides the send itself (schedule.py holds those tasks);
views and the admin only enqueue these."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.urls import reverse
from django_tasks import task

from samizdat.core.links import absolute_url

from .messages import EditionMessages, confirmation_message
from .models import Edition, Subscriber, Subscription
from .rendering import render_email

logger = logging.getLogger(__name__)


@task()
def send_confirmation_task(subscription_id):
    subscription = Subscription.objects.select_related("subscriber", "newsletter").filter(pk=subscription_id).first()
    if subscription is None or subscription.status == Subscription.ACTIVE:
        return "nothing to confirm"
    try:
        get_connection(fail_silently=False).send_messages([confirmation_message(subscription)])
    except Exception as error:
        # Logged without the address (smtplib's errors name it); the reader may try again at once.
        Subscriber.objects.filter(pk=subscription.subscriber_id).update(confirmation_sent_at=None)
        logger.error("Confirmation email for subscription %s failed: %s", subscription_id, type(error).__name__)
        return "failed"
    return "sent"


@task()
def send_test_task(edition_id, email):
    """"Send a test to me": the edition as a subscriber would get it, to the editor's address."""
    edition = Edition.objects.select_related("newsletter").get(pk=edition_id)
    rendered = render_email(edition)
    messages = EditionMessages(edition, f"[Test] {rendered.subject}", rendered.html, rendered.text)
    get_connection(fail_silently=False).send_messages([messages.for_reader(email, "test", 0)])
    return "sent"


@task()
def tell_staff_send_paused_task(edition_id):
    """A send that paused itself waits for a person: those who may resume it hear of it by email
    too, besides the admin's home page. The fault may be the mail server itself, so this can fail;
    the admin still shows it."""
    edition = Edition.objects.select_related("newsletter").filter(pk=edition_id, status=Edition.PAUSED).first()
    if edition is None:
        return "not paused"
    staff = (
        get_user_model().objects.filter(is_active=True).exclude(email="")
        .filter(Q(is_superuser=True) | Q(groups__permissions__codename="change_edition") | Q(user_permissions__codename="change_edition"))
        .distinct().values_list("email", flat=True)
    )
    if not staff:
        return "nobody to tell"
    body = (
        f"Sending \"{edition.subject}\" ({edition.newsletter.name}) paused itself:\n\n{edition.pause_reason}\n\n"
        "Nobody was suppressed because of it. Put the fault right, then resume the edition:\n"
        f"{absolute_url(reverse('newsletter_edition', args=[edition.pk]))}\n"
    )
    message = EmailMessage(f"Newsletter sending paused: {edition.subject}", body, settings.DEFAULT_FROM_EMAIL, list(staff))
    try:
        get_connection(fail_silently=False).send_messages([message])
    except Exception as error:
        logger.error("Could not email the staff that edition %s paused: %s", edition_id, type(error).__name__)
        return "failed"
    return "sent"
