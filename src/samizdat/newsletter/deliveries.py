"""The delivery record: one Delivery per reader of an edition, and what became of it.

Rows are recorded before anything is sent, claimed a chunk at a time (SENDING, with the claimer's
mark and the time) before their messages go out, and marked SENT, back to PENDING with a backoff,
or FAILED once the answers are in. A crash leaves only one chunk SENDING; its lease runs out and
it is claimed again. What a failure means is failures.py's call; the record holds no transport
and changes no edition's status: a fault of the send is handed to the `on_fault` it is given.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from samizdat.core.logs import redact

from .failures import BOUNCE, EDITION, TEMPORARY, breaker_explanation, too_many_refused
from .models import Delivery, Edition, Subscriber, Subscription, Suppression
from .subscriptions import suppress

logger = logging.getLogger(__name__)

GAVE_UP = "gave up: "  # the start of the error of a delivery tried NEWSLETTER_MAX_ATTEMPTS times
UNFINISHED = [Delivery.PENDING, Delivery.SENDING]


def record_deliveries(edition):
    """One Delivery per recipient, numbered into batches, in one statement: 100,000 rows in a
    second or two instead of a round trip per thousand. Returns the number of batches."""
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
        Delivery.objects.filter(edition_id=edition_id, status__in=UNFINISHED).values_list("batch", flat=True).distinct()
    )


def still_sending(edition_id):
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
        if not still_sending(edition_id):
            return []
        # Two queries, each with the status as an equality, so the (edition, batch, status) index
        # finds the rows; one query with an OR read every delivery of the edition for each chunk.
        rows = sorted([*due.order_by("pk").values_list(*columns)[:size], *abandoned.order_by("pk").values_list(*columns)[:size]])[:size]
        if not rows:
            return []
        Delivery.objects.filter(pk__in=[row[0] for row in rows]).update(
            status=Delivery.SENDING, claimed_at=now, claimed_by=sender, attempts=F("attempts") + 1
        )
    return without_unwanted(edition_id, rows)


def release(rows, sender):
    """Claimed but never tried: back to PENDING, the attempt not counted against the reader."""
    Delivery.objects.filter(pk__in=[row[0] for row in rows], status=Delivery.SENDING, claimed_by=sender).update(
        status=Delivery.PENDING, claimed_by="", attempts=F("attempts") - 1, retry_after=None
    )


def without_unwanted(edition_id, rows):
    """Addresses suppressed or unsubscribed since the send started are skipped, at once."""
    emails = [email for _, _, email in rows]
    suppressed = set(Suppression.objects.filter(email__in=emails).values_list("email", flat=True))
    edition = Edition.objects.only("newsletter_id").get(pk=edition_id)
    still_subscribed = set(
        Subscription.objects.filter(
            newsletter_id=edition.newsletter_id, subscriber_id__in=[row[1] for row in rows], status=Subscription.ACTIVE
        ).values_list("subscriber_id", flat=True)
    )
    skipped = {row[0] for row in rows if row[2] in suppressed or row[1] not in still_subscribed}
    if skipped:
        Delivery.objects.filter(pk__in=skipped).update(status=Delivery.SKIPPED)
    return [row for row in rows if row[0] not in skipped]


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


def record_results(edition_id, results, judge, on_fault, progress=None):
    """After a chunk: each delivery SENT, back to wait for a retry, or FAILED — unless the chunk
    shows a fault of the send (a refused login, a refused sender, too many refusals): then every
    reader not sent goes back to wait, suppressed or failed by nobody, and `on_fault(reason)` is
    told before any failure is written. Returns the number sent."""
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
        on_fault(fault_reason)
        failures = [(row, failure) for row, failure in failures if failure.kind == TEMPORARY]
    for row, failure in failures:
        record_failure(edition_id, row, failure, now)
    if progress:  # those done with: sent, or refused for good
        for row in sent + [row for row, failure in failures if failure.kind != TEMPORARY]:
            progress(row[0])
    return len(sent)


def backoff(attempts):
    return min(settings.NEWSLETTER_RETRY_DELAY * 2 ** max(attempts - 1, 0), 3600)


def record_failure(edition_id, row, failure, now):
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


def seconds_until_retry(edition_id, batch):
    """None when the batch is done; else how long until a delivery waiting to retry is due."""
    waiting = Delivery.objects.filter(edition_id=edition_id, batch=batch, status__in=UNFINISHED)
    earliest = waiting.filter(status=Delivery.PENDING).order_by("retry_after").values_list("retry_after", flat=True).first()
    if earliest is None:
        # Only deliveries in another sender's hands (SENDING, lease not run out): theirs to finish.
        return None
    return max((earliest - timezone.now()).total_seconds(), 0)


def gives_back_given_up(edition_id):
    """A paused send resumed: those waiting go now, not after their backoff, and those given up
    on after repeated "try later" answers get their tries back."""
    Delivery.objects.filter(edition_id=edition_id, status=Delivery.PENDING).update(retry_after=None)
    Delivery.objects.filter(edition_id=edition_id, status=Delivery.FAILED, error__startswith=GAVE_UP).update(
        status=Delivery.PENDING, attempts=0, retry_after=None
    )


def cancel_unsent(edition_id):
    Delivery.objects.filter(edition_id=edition_id, status__in=UNFINISHED).update(status=Delivery.CANCELLED, error="cancelled")


def left_behind(edition_id, stale, now):
    """Whether a dead sender left this send: nothing claimed since `stale`, and readers due now
    (or nobody left, and the edition never finished)."""
    deliveries = Delivery.objects.filter(edition_id=edition_id)
    if deliveries.filter(claimed_at__gte=stale).exists():
        return False  # a sender is at work on it
    waiting = deliveries.filter(
        Q(status=Delivery.SENDING) | Q(status=Delivery.PENDING, retry_after__isnull=True) | Q(status=Delivery.PENDING, retry_after__lte=now)
    )
    # Deliveries waiting for a later retry have a deferred task of their own (or the next run).
    return waiting.exists() or not deliveries.filter(status__in=UNFINISHED).exists()


def how_it_ended(edition_id):
    """Once nobody is left to try: (sent any, refused ones, given-up ones); None while some wait."""
    deliveries = Delivery.objects.filter(edition_id=edition_id)
    if deliveries.filter(status__in=UNFINISHED).exists():
        return None
    failed = deliveries.filter(status=Delivery.FAILED)
    return deliveries.filter(status=Delivery.SENT).exists(), failed, failed.filter(error__startswith=GAVE_UP)


def progress_of(edition, window=10):
    """What the admin's progress bar shows: counts by status, the next retry and the recent rate."""
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
