"""Background work of the newsletter; views and the admin only enqueue these."""

import logging

from django.core.mail import get_connection
from django_tasks import task

from . import sending
from .messages import confirmation_message
from .models import Subscriber, Subscription

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
def send_edition_task(edition_id):
    """Starts the send when the edition's slot has come (enqueued to run then)."""
    return sending.start_send(edition_id)


@task()
def send_batch_task(edition_id, batch):
    return sending.send_batch(edition_id, batch)


@task()
def send_test_task(edition_id, email):
    """"Send a test to me": the edition as a subscriber would get it, to the editor's address."""
    from .messages import EditionMessages
    from .models import Edition
    from .rendering import render_email

    edition = Edition.objects.select_related("newsletter").get(pk=edition_id)
    rendered = render_email(edition)
    messages = EditionMessages(edition, f"[Test] {rendered.subject}", rendered.html, rendered.text)
    get_connection(fail_silently=False).send_messages([messages.for_reader(email, "test", 0)])
    return "sent"
