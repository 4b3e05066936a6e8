"""The transport of a send: pooled email connections, the rate limit, and what each message's
outcome means (failures.py). It knows nothing of editions or deliveries."""

import threading
import time

from django.conf import settings
from django.core.mail import get_connection

from .failures import EDITION, Failure, classify, connection_explanation


class RateLimit:
    """At most `per_second` messages a second from this process, shared by its threads."""

    def __init__(self, per_second):
        self.interval = 1 / per_second if per_second else 0
        self.next = time.monotonic()
        self.lock = threading.Lock()

    def wait(self):
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            moment = max(self.next, now)
            self.next = moment + self.interval
        if moment > now:
            time.sleep(moment - now)


_rate_limits = {}


def rate_limit():
    rate = settings.NEWSLETTER_RATE_LIMIT
    if rate not in _rate_limits:
        _rate_limits[rate] = RateLimit(rate)
    return _rate_limits[rate]


class Outbox:
    """One email connection per sending thread, opened once and kept for the whole batch.

    It stops after the first fault of the send itself (a refused login, a refused sender...): no
    further run of messages is tried, so a wrong password costs one refused login, not one per
    reader (a run already on the wire gets its answers first). Temporary failures that are not
    about a reader (a dropped connection, "try later" to MAIL FROM) are tried again, but
    NEWSLETTER_CONNECTION_FAILURES of them in a row (across its threads, with nothing sent in
    between) are a fault of the send too."""

    def __init__(self):
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

    def send_each(self, messages):
        """Send on this thread's connection; one Failure (or None) per message. After an error
        the connection is closed, and what is left goes on a new one."""
        results = []
        while len(results) < len(messages):
            if self.stopped:
                results += [self.stopped] * (len(messages) - len(results))
                break
            rest = messages[len(results):]
            try:
                connection = self.connection()
                if rate_limit().interval or not hasattr(connection, "send_each"):
                    # One at a time: paced by the rate limit, or a backend without runs (anymail).
                    rate_limit().wait()
                    connection.send_messages(rest[:1])
                    outcomes = [None]
                else:
                    outcomes = connection.send_each(rest)
            except Exception as error:
                outcomes = [error]
            if any(outcome is not None for outcome in outcomes):
                self.drop()
            results += [self._judged(outcome) for outcome in outcomes]
        return results

    def _judged(self, outcome):
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
