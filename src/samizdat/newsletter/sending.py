"""Sending an edition: once, to everyone who wants it, surviving crashes without doubles.

The pipeline (after Ghost's batch sending and listmonk's campaign manager):
1. `start_send` moves an approved edition to SENDING exactly once (a conditional update), renders
   it once, and records one Delivery per recipient, numbered into batches, before anything is sent.
2. Each batch is a task (`send_batch_task`), so several workers can share a send. A batch claims a
   chunk of its deliveries (SENDING, recorded before the messages go out), sends them over pooled
   SMTP connections at the configured concurrency and rate, then records each one SENT.
3. A worker killed mid-chunk leaves only that chunk SENDING; `resume` (or `samizdat newsletter send`)
   reclaims it once its lease has run out. Only those in-flight messages can go twice.
4. What a failure means is failures.py's call. A temporary one (4xx, a dropped connection) goes
   back to PENDING with a backoff; a refusal of the address itself (5.1.x, 5.2.x) suppresses it and
   moves on. A fault of the send (a refused login or sender, TLS, a server that keeps dropping the
   connection, too many refusals at once) **pauses** the edition: nobody is suppressed for it,
   and `resume` later sends to exactly those not yet sent. `cancel` stops it for good.
"""

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import default_task_backend

from samizdat.core.logs import redact

from .failures import BOUNCE, EDITION, TEMPORARY, breaker_explanation, too_many_refused
from .messages import EditionMessages
from .models import Delivery, Edition, Subscriber, Subscription, Suppression
from .outbox import Outbox
from .rendering import render_email
from .subscriptions import suppress

logger = logging.getLogger(__name__)


SENDER = "the sender"  # a pause the send made itself, as against one by a person
GAVE_UP = "gave up: "  # the start of the error of a delivery tried NEWSLETTER_MAX_ATTEMPTS times


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
    from .tasks import send_edition_task

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
        batches = _record_deliveries(edition)
        if enqueue:
            from .tasks import send_batch_task

            for batch in range(batches):
                send_batch_task.enqueue(edition_id, batch)
    if batches == 0:
        finish_if_done(edition_id)
    return max(batches, 1)


def _record_deliveries(edition):
    """One Delivery per recipient, numbered into batches, in one statement: 100,000 rows in a
    second or two instead of a round trip per thousand."""
    tables = {model: model._meta.db_table for model in (Delivery, Subscription, Subscriber, Suppression)}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {tables[Delivery]} (edition_id, subscriber_id, batch, status, attempts, error, claimed_by, bounce)
            SELECT %s, subscription.subscriber_id,
                   (ROW_NUMBER() OVER (ORDER BY subscription.subscriber_id) - 1) / %s, %s, 0, '', '', ''
            FROM {tables[Subscription]} subscription
            JOIN {tables[Subscriber]} subscriber ON subscriber.id = subscription.subscriber_id
            WHERE subscription.newsletter_id = %s AND subscription.status = %s
              AND subscriber.email NOT IN (SELECT email FROM {tables[Suppression]})
            """,
            [edition.pk, settings.NEWSLETTER_BATCH_SIZE, Delivery.PENDING, edition.newsletter_id, Subscription.ACTIVE],
        )
    count = Delivery.objects.filter(edition=edition).count()
    size = settings.NEWSLETTER_BATCH_SIZE
    return (count + size - 1) // size


def unfinished_batches(edition_id):
    return sorted(
        Delivery.objects.filter(edition_id=edition_id, status__in=[Delivery.PENDING, Delivery.SENDING])
        .values_list("batch", flat=True)
        .distinct()
    )


def resume(edition_id, *, refusals_are_real=False):
    """Go on with a paused send, or enqueue again the batches of one that stopped (a worker was
    killed). Sends to exactly those not yet sent. Safe to call while it runs: deliveries claimed
    by a live sender are left alone until their lease runs out.

    `refusals_are_real`: the editor has looked at the refusals that paused it and they are dead
    addresses, not a server's fault: the circuit breaker is off for the rest of this send."""
    from .tasks import send_batch_task

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
            # The fault is fixed: those who were waiting go now, not after their backoff, and
            # those given up on after repeated "try later" answers get their tries back.
            Delivery.objects.filter(edition_id=edition_id, status=Delivery.PENDING).update(retry_after=None)
            Delivery.objects.filter(edition_id=edition_id, status=Delivery.FAILED, error__startswith=GAVE_UP).update(
                status=Delivery.PENDING, attempts=0, retry_after=None
            )
        elif refusals_are_real:
            Edition.objects.filter(pk=edition_id).update(refusals_accepted=True)
    batches = unfinished_batches(edition_id)
    for batch in batches:
        send_batch_task.enqueue(edition_id, batch)
    if not batches:
        finish_if_done(edition_id)
    return batches


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
            from .tasks import tell_staff_send_paused_task

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
        Delivery.objects.filter(edition_id=edition_id, status__in=[Delivery.PENDING, Delivery.SENDING]).update(
            status=Delivery.CANCELLED, error="cancelled"
        )
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
        deliveries = Delivery.objects.filter(edition_id=edition_id)
        if deliveries.filter(claimed_at__gte=stale).exists():
            continue  # a sender is at work on it
        waiting = deliveries.filter(
            Q(status=Delivery.SENDING) | Q(status=Delivery.PENDING, retry_after__isnull=True) | Q(status=Delivery.PENDING, retry_after__lte=now)
        )
        # Deliveries waiting for a later retry have a deferred task of their own (or the next run).
        if waiting.exists() or not deliveries.filter(status__in=[Delivery.PENDING, Delivery.SENDING]).exists():
            resume(edition_id)
            resumed.append(edition_id)
    return resumed


def finish_if_done(edition_id):
    """SENDING → SENT once nobody is left to try, unless nobody got it: a send where every reader
    was refused is a fault of the send until an editor says the refusals are real."""
    deliveries = Delivery.objects.filter(edition_id=edition_id)
    if deliveries.filter(status__in=[Delivery.PENDING, Delivery.SENDING]).exists():
        return False
    edition = Edition.objects.filter(pk=edition_id).only("status", "refusals_accepted").first()
    if edition is None or edition.status != Edition.SENDING:
        return False
    failed = deliveries.filter(status=Delivery.FAILED)
    if not edition.refusals_accepted and failed.exists() and not deliveries.filter(status=Delivery.SENT).exists():
        last = failed.order_by("-pk").values_list("error", flat=True).first()
        pause(edition_id, by=SENDER, reason=gettext(
            "Nobody received this edition: every reader was refused, the last with \"{last}\". Check "
            "the mail settings; if these addresses are really gone, resume and tick \"The refusals are real\"."
        ).format(last=last))
        return False
    given_up = failed.filter(error__startswith=GAVE_UP)
    if not edition.refusals_accepted and given_up.exists():
        # Readers left without it, though nobody refused them: never marked sent like that.
        pause(edition_id, by=SENDER, reason=gettext(
            "{count} reader(s) did not get this edition: the mail server kept answering \"try again later\" "
            "({last}) until samizdat gave up. Resume to try them again; tick \"The refusals are real\" to "
            "finish without them."
        ).format(count=given_up.count(), last=given_up.order_by("-pk").values_list("error", flat=True).first()[len(GAVE_UP):]))
        return False
    if Edition.objects.filter(pk=edition_id, status=Edition.SENDING).update(status=Edition.SENT, sent_at=timezone.now()):
        # Saved once more so the publisher hears of it: the edition joins the web archive.
        edition = Edition.objects.get(pk=edition_id)
        edition.save(update_fields=["status", "sent_at"])
        return True
    return False


# Sending a batch ---------------------------------------------------------------------------------


def backoff(attempts):
    return min(settings.NEWSLETTER_RETRY_DELAY * 2 ** max(attempts - 1, 0), 3600)


class Judge:
    """Decides, chunk by chunk, whether refusals are a few dead addresses or a server's fault:
    too many in one chunk, or in the first NEWSLETTER_PAUSE_WINDOW tried since the send started
    or was resumed, pause the send before any of that chunk's addresses is suppressed."""

    def __init__(self, edition):
        self.edition_id = edition.pk
        self.off = edition.refusals_accepted
        self.since = edition.resumed_at or edition.started_at or timezone.now()
        self.window_open = not self.off

    def too_many(self, refused, tried):
        if self.off or not refused:
            return False
        if too_many_refused(refused, tried):
            return True
        if not self.window_open:
            return False
        so_far = Delivery.objects.filter(
            edition_id=self.edition_id, status__in=[Delivery.SENT, Delivery.FAILED], claimed_at__gte=self.since
        ).aggregate(tried=Count("pk"), refused=Count("pk", filter=Q(status=Delivery.FAILED)))
        tried_so_far = so_far["tried"] + tried
        if tried_so_far > settings.NEWSLETTER_PAUSE_WINDOW:
            self.window_open = False
            return False
        return too_many_refused(so_far["refused"] + refused, tried_so_far)


def send_batch(edition_id, batch, *, progress=None):
    """Send what is left of one batch. Returns the number of messages sent by this call.
    Stops, leaving the rest waiting, as soon as the edition is paused or cancelled."""
    edition = Edition.objects.select_related("newsletter").get(pk=edition_id)
    if edition.status != Edition.SENDING:
        return 0
    messages = EditionMessages(edition, edition.subject, edition.email_html, edition.email_text)
    outbox = Outbox()
    judge = Judge(edition)
    me = uuid.uuid4().hex  # this run's mark on what it claims; it never takes back its own
    sent_total = 0
    concurrency = max(settings.NEWSLETTER_CONCURRENCY, 1)
    pool = ThreadPoolExecutor(max_workers=concurrency) if concurrency > 1 else None

    def send_rows(rows):
        copies = [messages.for_reader(email, delivery_id, subscriber_id) for delivery_id, subscriber_id, email in rows]
        return list(zip(rows, outbox.send_each(copies)))

    chunk = None
    try:
        chunk = claim(edition_id, batch, me)
        while True:
            if not chunk:
                wait = _seconds_until_retry(edition_id, batch)
                if wait is None or not _still_sending(edition_id):
                    break
                if wait > 5 and default_task_backend.supports_defer:
                    from .tasks import send_batch_task

                    send_batch_task.using(run_after=timezone.now() + timedelta(seconds=wait)).enqueue(edition_id, batch)
                    break
                time.sleep(min(wait, 5))
                chunk = claim(edition_id, batch, me)
                continue
            if pool:
                # The next chunk is claimed while this one is on the wire. This one is recorded
                # before the next is sent, so a crash can still repeat one chunk at most.
                # Each connection takes its share of the chunk as one run of messages.
                on_the_wire = [pool.submit(send_rows, chunk[n::concurrency]) for n in range(concurrency)]
                chunk = claim(edition_id, batch, me)
                results = [result for future in on_the_wire for result in future.result()]
            else:
                results = send_rows(chunk)
                chunk = None
            sent_total += _record(edition_id, results, judge, progress)
            if not _still_sending(edition_id):
                break
            if chunk is None:
                chunk = claim(edition_id, batch, me)
    finally:
        outbox.close()
        if pool:
            pool.shutdown()
        if chunk:
            _release(chunk, me)  # claimed ahead, then paused: back to wait, untouched
    finish_if_done(edition_id)
    return sent_total


def _still_sending(edition_id):
    return Edition.objects.filter(pk=edition_id, status=Edition.SENDING).exists()


def claim(edition_id, batch, sender="", now=None):
    """Mark the next chunk of the batch SENDING (before anything is sent) and return it as
    (delivery id, subscriber id, email). Also takes back deliveries whose sender's lease ran out.
    Nothing, once the edition is paused or cancelled."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)
    size = settings.NEWSLETTER_CHUNK_SIZE
    batch_rows = Delivery.objects.select_for_update(skip_locked=True, of=("self",)).filter(edition_id=edition_id, batch=batch)
    due = batch_rows.filter(Q(retry_after__isnull=True) | Q(retry_after__lte=now), status=Delivery.PENDING)
    abandoned = batch_rows.filter(status=Delivery.SENDING, claimed_at__lt=stale).exclude(claimed_by=sender)
    columns = ("pk", "subscriber_id", "subscriber__email")
    with transaction.atomic():
        if not _still_sending(edition_id):
            return []
        # Two queries, each with the status as an equality, so the (edition, batch, status) index
        # finds the rows; one query with an OR read every delivery of the edition for each chunk.
        rows = sorted([*due.order_by("pk").values_list(*columns)[:size], *abandoned.order_by("pk").values_list(*columns)[:size]])[:size]
        if not rows:
            return []
        Delivery.objects.filter(pk__in=[row[0] for row in rows]).update(
            status=Delivery.SENDING, claimed_at=now, claimed_by=sender, attempts=F("attempts") + 1
        )
    return _without_unwanted(edition_id, rows)


def _release(rows, sender):
    """Claimed but never tried: back to PENDING, the attempt not counted against the reader."""
    Delivery.objects.filter(pk__in=[row[0] for row in rows], status=Delivery.SENDING, claimed_by=sender).update(
        status=Delivery.PENDING, claimed_by="", attempts=F("attempts") - 1, retry_after=None
    )


def _without_unwanted(edition_id, rows):
    """Addresses suppressed or unsubscribed since the send started are skipped, at once."""
    emails = [email for _, _, email in rows]
    suppressed = set(Suppression.objects.filter(email__in=emails).values_list("email", flat=True))
    edition = Edition.objects.only("newsletter_id").get(pk=edition_id)
    still_subscribed = set(
        Subscription.objects.filter(
            newsletter_id=edition.newsletter_id, subscriber_id__in=[row[1] for row in rows], status=Subscription.ACTIVE
        ).values_list("subscriber_id", flat=True)
    )
    skipped = [row[0] for row in rows if row[2] in suppressed or row[1] not in still_subscribed]
    if skipped:
        Delivery.objects.filter(pk__in=skipped).update(status=Delivery.SKIPPED)
    return [row for row in rows if row[0] not in set(skipped)]


def _record(edition_id, results, judge, progress):
    """After a chunk: each delivery SENT, back to wait for a retry, or FAILED — unless the chunk
    shows a fault of the send (a refused login, a refused sender, too many refusals): then the
    edition pauses and every reader not sent goes back to wait, suppressed or failed by nobody."""
    now = timezone.now()
    sent = [row for row, failure in results if failure is None]
    failures = [(row, failure) for row, failure in results if failure is not None]
    fault = next((failure for _, failure in failures if failure.kind == EDITION), None)
    refused = [(row, failure) for row, failure in failures if failure.is_final]
    if fault is None and judge.too_many(len(refused), len(results)):  # before this chunk is recorded
        fault_reason = breaker_explanation(len(refused), len(results), refused[-1][1].detail)
    else:
        fault_reason = fault and (fault.explanation or fault.detail)
    if sent:
        Delivery.objects.filter(pk__in=[row[0] for row in sent]).update(status=Delivery.SENT, sent_at=now, error="")
    if fault_reason:
        waiting = [row for row, failure in failures if failure.kind != TEMPORARY]
        Delivery.objects.filter(pk__in=[row[0] for row in waiting], status=Delivery.SENDING).update(
            status=Delivery.PENDING, attempts=F("attempts") - 1, retry_after=None, error=""
        )
        pause(edition_id, fault_reason, by=SENDER)
        failures = [(row, failure) for row, failure in failures if failure.kind == TEMPORARY]
    for row, failure in failures:
        _record_failure(edition_id, row, failure, now)
    if progress:  # those done with: sent, or refused for good
        for row in sent + [row for row, failure in failures if failure.kind != TEMPORARY]:
            progress(row[0])
    return len(sent)


def _record_failure(edition_id, row, failure, now):
    delivery_id, _, email = row
    # Only while still ours: a delivery cancelled meanwhile stays cancelled.
    mine = Delivery.objects.filter(pk=delivery_id, status=Delivery.SENDING)
    if failure.kind == BOUNCE:
        suppress(email, Suppression.BOUNCED, f"refused when sending edition {edition_id}: {failure.detail}")
        Delivery.objects.filter(pk=delivery_id).update(status=Delivery.FAILED, error=failure.detail)
    elif failure.kind != TEMPORARY:  # refused for good, not clearly the address's fault
        mine.update(status=Delivery.FAILED, error=failure.detail)
    else:
        attempts = mine.values_list("attempts", flat=True).first()
        if attempts is None:
            pass
        elif attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
            mine.update(status=Delivery.FAILED, error=f"{GAVE_UP}{failure.detail}"[:255])
        else:
            mine.update(status=Delivery.PENDING, error=failure.detail, retry_after=now + timedelta(seconds=backoff(attempts)))
    outcome = "refused" if failure.is_final else "not accepted yet"
    # A server's refusal often quotes the recipient ("550 <ana@…>: no such user"): not in the log.
    logger.warning("Delivery %s of edition %s %s (%s): %s", delivery_id, edition_id, outcome, failure.kind, redact(failure.detail))


def _seconds_until_retry(edition_id, batch):
    """None when the batch is done; else how long until a delivery waiting to retry is due."""
    waiting = Delivery.objects.filter(edition_id=edition_id, batch=batch, status__in=[Delivery.PENDING, Delivery.SENDING])
    earliest = waiting.filter(status=Delivery.PENDING).order_by("retry_after").values_list("retry_after", flat=True).first()
    if earliest is None:
        # Only deliveries in another sender's hands (SENDING, lease not run out): theirs to finish.
        return None
    return max((earliest - timezone.now()).total_seconds(), 0)


# Progress ----------------------------------------------------------------------------------------


def progress_of(edition, window=10):
    counts = dict(Delivery.objects.filter(edition=edition).values_list("status").annotate(n=Count("pk")))
    for status, number in (edition.delivery_counts or {}).items():  # the log purged since, or readers erased
        counts[status] = counts.get(status, 0) + number
    total = sum(counts.values())
    since = timezone.now() - timedelta(seconds=window)
    recent = Delivery.objects.filter(edition=edition, status=Delivery.SENT, sent_at__gte=since).count()
    next_retry = (
        Delivery.objects.filter(edition=edition, status=Delivery.PENDING, retry_after__isnull=False)
        .order_by("retry_after").values_list("retry_after", flat=True).first()
    )
    return {
        "status": edition.status,
        "status_label": edition.get_status_display(),
        "pause_reason": edition.pause_reason,
        "total": total,
        "sent": counts.get(Delivery.SENT, 0),
        "failed": counts.get(Delivery.FAILED, 0),
        "skipped": counts.get(Delivery.SKIPPED, 0),
        "cancelled": counts.get(Delivery.CANCELLED, 0),
        "waiting": counts.get(Delivery.PENDING, 0) + counts.get(Delivery.SENDING, 0),
        "next_retry": next_retry.isoformat() if next_retry else None,
        "rate": round(recent / window, 1),
    }
