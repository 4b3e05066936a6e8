"""The transport of a send: readers' copies carried by Django email backends over pooled
connections, at the configured rate, each outcome judged by failures.py. It knows nothing of
editions' status or the delivery record: it is given an edition's letters and rows of
(delivery id, subscriber id, email), and answers one Failure (or None) per row.

How a backend is driven depends on what it can do (docs/newsletter.md, "Where email goes"):
- any backend, Django's own SMTP backend among them: one message per call;
- samizdat's pipelining SMTP backend (smtp.py): a run of messages per call;
- an email service through django-anymail that takes merge data (merge_batches.py): a batch of
  readers per API call, each reader's own links filled in by the service.
"""

import threading
import time

from django.conf import settings
from django.core.mail import get_connection

from . import merge_batches, smtp
from .failures import EDITION, Failure, classify, connection_explanation


class RateLimit:
    """At most `per_second` messages a second from this process, shared by its threads."""

    def __init__(self, per_second):
        self.interval = 1 / per_second if per_second else 0
        self.next = time.monotonic()
        self.lock = threading.Lock()

    def wait(self, messages=1):
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            moment = max(self.next, now)
            self.next = moment + self.interval * messages
        if moment > now:
            time.sleep(moment - now)


rate_limits = {}


def rate_limit():
    rate = settings.NEWSLETTER_RATE_LIMIT
    if rate not in rate_limits:
        rate_limits[rate] = RateLimit(rate)
    return rate_limits[rate]


def one_at_a_time(connection, letters, rows):
    connection.send_messages([letters.for_reader(rows[0][2], rows[0][0], rows[0][1])])
    return [None]


def in_a_run(connection, letters, rows):
    return connection.send_run([letters.for_reader(email, delivery_id, subscriber_id) for delivery_id, subscriber_id, email in rows])


def in_a_merge_batch(connection, letters, rows):
    return merge_batches.send(connection, letters, rows)


def way_to_send(connection):
    """How many messages one call to this backend carries, and how."""
    if isinstance(connection, smtp.EmailBackend):
        return in_a_run
    if merge_batches.takes_merge_data(connection):
        return in_a_merge_batch
    return one_at_a_time


class Outbox:
    """One email connection per sending thread, opened once and kept for the whole batch.

    It stops after the first fault of the send itself (a refused login, a refused sender...): no
    further message is tried, so a wrong password costs one refused login, not one per reader (a
    run already on the wire gets its answers first). Temporary failures that are not about a
    reader (a dropped connection, "try later" to MAIL FROM, an email service's 503) are tried
    again, but NEWSLETTER_CONNECTION_FAILURES of them in a row (across its threads, with nothing
    sent in between, a failed call counted once however many readers it carried) are a fault of
    the send too."""

    def __init__(self, letters):
        self.letters = letters
        self.local = threading.local()
        self.connections = []
        self.lock = threading.Lock()
        self.failures_in_a_row = 0
        self.stopped = None  # the Failure that stopped the send, once one has

    def connection(self):
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = get_connection(fail_silently=False)
            connection.open()
            self.local.connection = connection
            with self.lock:
                self.connections.append(connection)
        return connection

    def drop(self):
        """After an error the connection may be half-broken: close it, the next send opens anew."""
        connection = getattr(self.local, "connection", None)
        self.local.connection = None
        if connection is not None:
            try:
                connection.close()
            except Exception:
                pass

    def send_each(self, rows):
        """Send to each row's reader on this thread's connection; one Failure (or None) per row.
        After an error the connection is closed, and what is left goes on a new one."""
        results = []
        while len(results) < len(rows):
            if self.stopped:
                results += [self.stopped] * (len(rows) - len(results))
                break
            rest = rows[len(results):]
            try:
                connection = self.connection()
                send = way_to_send(connection)
                if send is in_a_merge_batch:
                    rest = rest[:merge_batches.MOST_READERS]
                elif send is one_at_a_time or rate_limit().interval:
                    send, rest = one_at_a_time, rest[:1]  # (a run is paced message by message)
                rate_limit().wait(len(rest))
                outcomes = send(connection, self.letters, rest)
            except Exception as error:
                outcomes = [error]
            if any(outcome is not None for outcome in outcomes):
                self.drop()
            results += self.judged(outcomes)
        return results

    def judged(self, outcomes):
        """Each outcome as a Failure (or None); one error shared by several readers (an email
        service's failed call) is judged, and counted toward the limit in a row, once."""
        failures = {}
        for outcome in outcomes:
            if outcome is not None and id(outcome) not in failures:
                failures[id(outcome)] = self.judge(outcome)
            elif outcome is None:
                self.judge(None)
        return [failures[id(outcome)] if outcome is not None else None for outcome in outcomes]

    def judge(self, outcome):
        if outcome is None:
            with self.lock:
                self.failures_in_a_row = 0
            return None
        failure = classify(outcome)
        with self.lock:
            if failure.about_the_send:
                self.failures_in_a_row += 1
                if self.failures_in_a_row >= settings.NEWSLETTER_CONNECTION_FAILURES:
                    failure = Failure(EDITION, failure.detail, failure.explanation or connection_explanation())
            if failure.kind == EDITION and self.stopped is None:
                self.stopped = failure
        return failure

    def close(self):
        for connection in self.connections:
            try:
                connection.close()
            except Exception:
                pass
