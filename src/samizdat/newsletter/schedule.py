"""When an edition is sent: approval for a slot, the start, pause, resume, cancel and the end.

The pipeline (after Ghost's batch sending and listmonk's campaign manager):
1. `start_send` moves an approved edition to SENDING exactly once (a conditional update), renders
   it once, and records one Delivery per recipient, numbered into batches, before anything is sent.
2. Each batch is a task (`send_batch_task`), so several workers can share a send; batches.py sends
   one through the outbox (outbox.py), recording each reader in the delivery record (deliveries.py).
3. A worker killed mid-chunk leaves only that chunk SENDING; `resume` (or `samizdat newsletter send`)
   reclaims it once its lease has run out. Only those in-flight messages can go twice.
4. What a failure means is failures.py's call. A temporary one (4xx, a dropped connection) goes
   back to PENDING with a backoff; a refusal of the address itself (5.1.x, 5.2.x) suppresses it and
   moves on. A fault of the send (a refused login or sender, TLS, a server that keeps dropping the
   connection, too many refusals at once) **pauses** the edition: nobody is suppressed for it,
   and `resume` later sends to exactly those not yet sent. `cancel` stops it for good.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import default_task_backend, task

from samizdat.core.logs import redact

from . import batches, deliveries
from .messages import EditionMessages
from .models import Edition, Subscription, Suppression
from .outbox import Outbox
from .rendering import render_email
from .tasks import tell_staff_send_paused_task

logger = logging.getLogger(__name__)

SENDER = "the sender"  # a pause the send made itself, as against one by a person


class SendingError(Exception):
    """Said to the editor or operator: why this edition can't be sent now."""


# Approving ---------------------------------------------------------------------------------------


def next_slot(newsletter, now=None):
    """The newsletter's next sending time at or after `now`, in the newsroom's time zone."""
    now = now or timezone.now()
    if not newsletter.weekly:
        return now
    local = timezone.localtime(now)
    days_ahead = (newsletter.send_weekday - local.weekday()) % 7
    day = local.date() + timedelta(days=days_ahead)
    slot = timezone.make_aware(datetime.combine(day, newsletter.send_time), timezone.get_current_timezone())
    if slot < now:
        slot = timezone.make_aware(
            datetime.combine(day + timedelta(days=7), newsletter.send_time), timezone.get_current_timezone()
        )
    return slot


def approve(edition, *, send_now=False, now=None):
    """The editor's approval: the edition goes out at the next slot, or now."""
    now = now or timezone.now()
    if not edition.articles.exists() and not edition.intro.strip():
        raise SendingError("This edition is empty: add articles or an intro before approving it.")
    when = now if send_now else next_slot(edition.newsletter, now)
    approved = Edition.objects.filter(pk=edition.pk, status=Edition.DRAFT).update(status=Edition.APPROVED, scheduled_at=when)
    if not approved:
        raise SendingError(f"This edition is already {edition.get_status_display().lower()}; it is sent only once.")
    edition.refresh_from_db()
    if when <= now:
        send_edition_task.enqueue(edition.pk)
    elif default_task_backend.supports_defer:
        send_edition_task.using(run_after=when).enqueue(edition.pk)
    # Without a deferring queue, `samizdat newsletter send-due` (cron) starts it.
    return edition


def unapprove(edition):
    """Back to draft, while it waits for its slot."""
    return Edition.objects.filter(pk=edition.pk, status=Edition.APPROVED).update(status=Edition.DRAFT, scheduled_at=None)


def send_due(now=None):
    """Start every approved edition whose slot has come. Returns the editions started."""
    now = now or timezone.now()
    started = []
    for edition_id in Edition.objects.filter(status=Edition.APPROVED, scheduled_at__lte=now).values_list("pk", flat=True):
        if start_send(edition_id, now=now):
            started.append(edition_id)
    return started


# Starting ----------------------------------------------------------------------------------------


def recipients(edition):
    """Subscribers of the edition's newsletter who confirmed and are not suppressed."""
    suppressed = Suppression.objects.values("email")
    return (
        Subscription.objects.filter(newsletter=edition.newsletter, status=Subscription.ACTIVE)
        .exclude(subscriber__email__in=suppressed)
        .order_by("subscriber_id")
        .values_list("subscriber_id", flat=True)
    )


def start_send(edition_id, *, enqueue=True, now=None):
    """APPROVED → SENDING, exactly once; render; record every delivery; enqueue the batches.

    Returns the number of batches, or 0 if this call did not start the send (not approved, not
    due yet, or started by someone else)."""
    now = now or timezone.now()
    with transaction.atomic():
        won = Edition.objects.filter(pk=edition_id, status=Edition.APPROVED, scheduled_at__lte=now).update(
            status=Edition.SENDING, started_at=now
        )
        if not won:
            return 0
        edition = Edition.objects.select_related("newsletter").get(pk=edition_id)
        rendered = render_email(edition)
        Edition.objects.filter(pk=edition_id).update(email_html=rendered.html, email_text=rendered.text)
        batch_count = deliveries.record_deliveries(edition)
        if enqueue:
            for batch in range(batch_count):
                send_batch_task.enqueue(edition_id, batch)
    if batch_count == 0:
        finish_if_done(edition_id)
    return max(batch_count, 1)


def send_batch(edition_id, batch, *, progress=None):
    """Send what is left of one batch through a new outbox; the edition ends when nobody is left.
    Returns the number of messages sent by this call."""
    edition = Edition.objects.select_related("newsletter").get(pk=edition_id)
    if edition.status != Edition.SENDING:
        return 0
    letters = EditionMessages(edition, edition.subject, edition.email_html, edition.email_text)

    def pause_the_send(reason):
        pause(edition_id, reason, by=SENDER)

    def come_back_later(seconds):
        send_batch_task.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue(edition_id, batch)

    outbox = Outbox(letters)
    try:
        sent = batches.send_batch(
            edition, batch, outbox=outbox, pause=pause_the_send, progress=progress,
            defer=come_back_later if default_task_backend.supports_defer else None,
        )
    finally:
        outbox.close()
    finish_if_done(edition_id)
    return sent


# Pausing, resuming, cancelling -------------------------------------------------------------------


def resume(edition_id, *, refusals_are_real=False):
    """Go on with a paused send, or enqueue again the batches of one that stopped (a worker was
    killed). Sends to exactly those not yet sent. Safe to call while it runs: deliveries claimed
    by a live sender are left alone until their lease runs out.

    `refusals_are_real`: the editor has looked at the refusals that paused it and they are dead
    addresses, not a server's fault: the circuit breaker is off for the rest of this send."""
    now = timezone.now()
    with transaction.atomic():
        edition = Edition.objects.select_for_update().filter(pk=edition_id).first()
        if edition is None or edition.status not in (Edition.SENDING, Edition.PAUSED):
            raise SendingError("Only a paused or sending edition can be resumed.")
        if edition.status == Edition.PAUSED:
            Edition.objects.filter(pk=edition_id).update(
                status=Edition.SENDING, pause_reason="", resumed_at=now,
                refusals_accepted=edition.refusals_accepted or refusals_are_real,
            )
            deliveries.gives_back_given_up(edition_id)  # the fault is fixed
        elif refusals_are_real:
            Edition.objects.filter(pk=edition_id).update(refusals_accepted=True)
    unfinished = deliveries.unfinished_batches(edition_id)
    for batch in unfinished:
        send_batch_task.enqueue(edition_id, batch)
    if not unfinished:
        finish_if_done(edition_id)
    return unfinished


def pause(edition_id, reason, *, by=""):
    """SENDING → PAUSED: senders stop within a chunk and nobody is suppressed for the fault.
    `reason` is for the editor: what happened, and what to check before resuming."""
    paused = Edition.objects.filter(pk=edition_id, status=Edition.SENDING).update(
        status=Edition.PAUSED, pause_reason=reason[:2000], paused_at=timezone.now()
    )
    if paused:
        # The reason names settings and the server's answer, never a reader's address.
        logger.error("Sending edition %s paused%s: %s", edition_id, f" by {by}" if by else "", redact(reason))
        if by == SENDER:
            tell_staff_send_paused_task.enqueue(edition_id)
    return bool(paused)


def cancel(edition_id):
    """An approved, sending or paused edition is not sent to anyone else. The record of who got
    it stays; those who didn't are marked so."""
    with transaction.atomic():
        cancelled = Edition.objects.filter(
            pk=edition_id, status__in=[Edition.APPROVED, Edition.SENDING, Edition.PAUSED]
        ).update(status=Edition.CANCELLED, paused_at=None, pause_reason="")
        if not cancelled:
            raise SendingError("Only an approved, sending or paused edition can be cancelled.")
        deliveries.cancel_unsent(edition_id)
    return True


def resume_stalled(now=None):
    """What a dead worker left behind, taken up again: for each edition being sent where nothing
    has been claimed for NEWSLETTER_LEASE_SECONDS, its unfinished batches are enqueued once more.
    The worker runs this every minute, so a send whose worker was killed goes on by itself once
    a worker runs again. Enqueuing a batch twice is harmless: each delivery is claimed once.
    A paused edition waits for a person."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)
    resumed = []
    for edition_id in Edition.objects.filter(status=Edition.SENDING, started_at__lt=stale).values_list("pk", flat=True):
        if deliveries.left_behind(edition_id, stale, now):
            resume(edition_id)
            resumed.append(edition_id)
    return resumed


def finish_if_done(edition_id):
    """SENDING → SENT once nobody is left to try, unless nobody got it: a send where every reader
    was refused is a fault of the send until an editor says the refusals are real."""
    ended = deliveries.how_it_ended(edition_id)
    if ended is None:
        return False
    edition = Edition.objects.filter(pk=edition_id).only("status", "refusals_accepted").first()
    if edition is None or edition.status != Edition.SENDING:
        return False
    any_sent, failed, given_up = ended
    if not edition.refusals_accepted and failed.exists() and not any_sent:
        last = failed.order_by("-pk").values_list("error", flat=True).first()
        pause(edition_id, by=SENDER, reason=gettext(
            "Nobody received this edition: every reader was refused, the last with \"{last}\". Check "
            "the mail settings; if these addresses are really gone, resume and tick \"The refusals are real\"."
        ).format(last=last))
        return False
    if not edition.refusals_accepted and given_up.exists():
        # Readers left without it, though nobody refused them: never marked sent like that.
        pause(edition_id, by=SENDER, reason=gettext(
            "{count} reader(s) did not get this edition: the mail server kept answering \"try again later\" "
            "({last}) until samizdat gave up. Resume to try them again; tick \"The refusals are real\" to "
            "finish without them."
        ).format(count=given_up.count(), last=given_up.order_by("-pk").values_list("error", flat=True).first()[len(deliveries.GAVE_UP):]))
        return False
    if Edition.objects.filter(pk=edition_id, status=Edition.SENDING).update(status=Edition.SENT, sent_at=timezone.now()):
        # Saved once more so the publisher hears of it: the edition joins the web archive.
        edition = Edition.objects.get(pk=edition_id)
        edition.save(update_fields=["status", "sent_at"])
        return True
    return False


# The queue's tasks -------------------------------------------------------------------------------


@task()
def send_edition_task(edition_id):
    """Starts the send when the edition's slot has come (enqueued to run then)."""
    return start_send(edition_id)


@task()
def send_batch_task(edition_id, batch):
    return send_batch(edition_id, batch)
