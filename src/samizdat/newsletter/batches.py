"""Sending one batch of an edition: claim a chunk from the delivery record, hand it to the outbox,
record the answers, until the batch is done or the edition stops being sent.

Its collaborators are given, not built (Ghost's BatchSendingService): the outbox that carries the
messages, `pause(reason)` for a fault of the send, and `defer(seconds)` to come back later for
readers told "try again later" (None: wait here). It changes no edition's status itself.
"""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

from . import deliveries

WAIT_HERE = 5  # seconds: a retry due sooner than this is waited for, not deferred


def send_batch(edition, batch, *, outbox, pause, defer=None, progress=None):
    """Send what is left of one batch of `edition` (status SENDING, email rendered). Returns the
    number of messages sent by this call. Stops, leaving the rest waiting, as soon as the edition
    is paused or cancelled."""
    judge = deliveries.Judge(edition)
    me = uuid.uuid4().hex  # this run's mark on what it claims; it never takes back its own
    sent_total = 0
    concurrency = max(settings.NEWSLETTER_CONCURRENCY, 1)
    pool = ThreadPoolExecutor(max_workers=concurrency) if concurrency > 1 else None

    def send_rows(rows):
        return list(zip(rows, outbox.send_each(rows)))

    chunk = None
    try:
        chunk = deliveries.claim(edition.pk, batch, me)
        while True:
            if not chunk:
                wait = deliveries.seconds_until_retry(edition.pk, batch)
                if wait is None or not deliveries.still_sending(edition.pk):
                    break
                if wait > WAIT_HERE and defer is not None:
                    defer(wait)
                    break
                time.sleep(min(wait, WAIT_HERE))
                chunk = deliveries.claim(edition.pk, batch, me)
                continue
            if pool:
                # The next chunk is claimed while this one is on the wire. This one is recorded
                # before the next is sent, so a crash can still repeat one chunk at most.
                # Each connection takes its share of the chunk as one run of messages.
                on_the_wire = [pool.submit(send_rows, chunk[n::concurrency]) for n in range(concurrency)]
                chunk = deliveries.claim(edition.pk, batch, me)
                results = [result for future in on_the_wire for result in future.result()]
            else:
                results = send_rows(chunk)
                chunk = None
            sent_total += deliveries.record_results(edition.pk, results, judge, pause, progress)
            if not deliveries.still_sending(edition.pk):
                break
            if chunk is None:
                chunk = deliveries.claim(edition.pk, batch, me)
    finally:
        if pool:
            pool.shutdown()
        if chunk:
            deliveries.release(chunk, me)  # claimed ahead, then paused: back to wait, untouched
    return sent_total
