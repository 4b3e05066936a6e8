"""Publishing runs in the background worker; views and signals only enqueue these.

A change reaches readers before anything else the same click queued (the search index, say):
the worker takes the highest priority first.

No publishing is lost when a worker dies. The work owed is recorded in our own table
(UnfinishedChange) when it is enqueued, and the task running it holds a lease on that row, which
it renews as it goes (its heartbeat). Finished, the row goes. A row whose lease ran out while its
task is not waiting in the queue belongs to a worker that was killed (or to a task that failed):
`resume_unfinished`, run by the worker every PUBLISH_SCHEDULED_INTERVAL, enqueues the work again.
Doing a change twice is harmless (every file is rendered from the database and replaced whole),
so a worker that was only slow costs some time, never a page. Addresses that could not be
written are retried the same way, by `retry_problems`, from the Publishing problems they left.
"""

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from .check import check_is_due, check_site
from .models import PublishingProblem, UnfinishedChange
from .changes import publish_change
from .publish import publish_urls, retry_delay
from .rebuild import rebuild_site
from .sources import EVERYTHING, object_for

logger = logging.getLogger(__name__)

READERS_FIRST = 50
SOME_ADDRESSES = "urls"  # the key of addresses published on their own (retries, `publish_urls_task`)


@task(priority=READERS_FIRST, takes_context=True)
def publish_change_task(context, key, also=()):
    with Lease(key, also, context) as lease:
        return publish_change(key, also=lease.also, progress=lease.beat).summary()


@task(priority=READERS_FIRST, takes_context=True)
def publish_urls_task(context, urls):
    with Lease(SOME_ADDRESSES, urls, context) as lease:
        return publish_urls(lease.also, progress=lease.beat).summary()


@task(priority=-50)  # after everything an editor or a reader is waiting for
def check_site_task():
    report = check_site()
    differed = len(report.written) + len(report.removed)
    if differed:
        logger.warning("The periodic check found %s published file(s) that differed and republished them", differed)
    return f"{differed} files differed"


def enqueue_check_if_due():
    if check_is_due():
        check_site_task.enqueue()
        return True
    return False


@task(takes_context=True)
def rebuild_site_task(context):
    with Lease(EVERYTHING, (), context) as lease:
        return rebuild_site(progress=lease.beat).summary()


def owe_change(key, also=()):
    """Publish what a change to `key` touches (`also`: addresses it was shown at before)."""
    _owe(key, also, publish_change_task, key, list(also))


def owe_rebuild():
    _owe(EVERYTHING, (), rebuild_site_task)


def owe_urls(urls):
    _owe(SOME_ADDRESSES, urls, publish_urls_task, list(urls))


def _owe(key, owed, task, *args):
    """Record the work, then enqueue its task: in the caller's transaction (the editor's change),
    so the change, the record and the task are saved together or not at all."""
    with transaction.atomic():
        row = UnfinishedChange.objects.select_for_update().filter(key=key).first()
        if row is None:
            # A lease's time to be taken from the queue before anyone looks at it.
            UnfinishedChange.objects.create(key=key, also=list(owed), lease_until=_lease_from(timezone.now()))
        elif owed:
            row.also = list(dict.fromkeys([*row.also, *owed]))
            row.save(update_fields=["also"])
        result = task.enqueue(*args)
        # The latest task for it: while that one waits in the queue, nobody enqueues another.
        UnfinishedChange.objects.filter(key=key).update(task_id=str(result.id))


class Lease:
    """The running task's hold on its UnfinishedChange. `beat` renews it (called with each page,
    at most four times a lease); leaving deletes the row, or on an error schedules a retry and
    tells a person."""

    def __init__(self, key, also, context):
        self.key, self.token, self.task_id = key, uuid.uuid4().hex, str(context.task_result.id)
        self.also, self.failures_before = list(also), 0

    def __enter__(self):
        with transaction.atomic():
            row = UnfinishedChange.objects.select_for_update().filter(key=self.key).first() or UnfinishedChange(key=self.key)
            row.also = list(dict.fromkeys([*row.also, *self.also]))
            row.claimed_by, row.task_id, row.lease_until = self.token, self.task_id, _lease_from(timezone.now())
            row.save()
        self.also, self.failures_before = row.also, row.attempts
        self.renewed = time.monotonic()
        return self

    def beat(self, _url=None):
        if time.monotonic() - self.renewed >= settings.PUBLISH_LEASE_SECONDS / 4:
            self.renewed = time.monotonic()
            self._mine().update(lease_until=_lease_from(timezone.now()))

    def __exit__(self, kind, error, traceback):
        try:
            if error is None:
                with transaction.atomic():
                    self._mine().delete()
                    if self.failures_before:
                        PublishingProblem.objects.filter(url=self.key).delete()
            elif isinstance(error, Exception):
                self._failed(error)
            else:  # stopped (SIGTERM, Ctrl-C): the next worker goes on with it at once
                self._mine().update(claimed_by="", lease_until=None)
        except DatabaseError:  # the error itself broke the transaction (a test's, or the database is gone)
            logger.exception("Could not record how publishing %s ended; it is taken up again after its lease", self.key)
        return False

    def _failed(self, error):
        attempts = self.failures_before + 1
        retry_at = timezone.now() + timedelta(seconds=retry_delay(attempts))
        self._mine().update(claimed_by="", lease_until=None, attempts=attempts, retry_at=retry_at)
        message = (
            f"Publishing {_describe(self.key)} stopped: {error}. Nothing is lost: the whole of it is tried "
            f"again by itself at {timezone.localtime(retry_at):%H:%M:%S} (attempt {attempts + 1}), and "
            "later and later after that until it works. The pages keep their previous version meanwhile."
        )
        logger.error("%s", message)
        PublishingProblem.objects.update_or_create(url=self.key, defaults={"message": message, "attempts": attempts, "retry_at": None})

    def _mine(self):
        return UnfinishedChange.objects.filter(key=self.key, claimed_by=self.token)


def _lease_from(now):
    return now + timedelta(seconds=settings.PUBLISH_LEASE_SECONDS)


def _describe(key):
    if key == EVERYTHING:
        return "the whole site"
    if key == SOME_ADDRESSES:
        return "some addresses"
    try:
        obj = object_for(key)
    except Exception:  # describing must not hide the error being reported
        obj = None
    return f"the change to “{obj}”" if obj is not None else f"the change to {key}"


TASK_FOR = {EVERYTHING: rebuild_site_task, SOME_ADDRESSES: publish_urls_task}


def resume_unfinished(now=None):
    """Enqueue again the work whose lease ran out (its worker was killed, or it failed and its
    retry is due), unless its latest task still waits in the queue. Cheap when nothing is owed:
    one indexed query. Returns the keys taken up."""
    now = now or timezone.now()
    resumed = []
    lapsed = UnfinishedChange.objects.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    for row in lapsed.filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now)):
        task = TASK_FOR.get(row.key, publish_change_task)
        if _status(task, row.task_id) == TaskResultStatus.READY:
            continue
        logger.warning("Publishing %s was left unfinished (its worker stopped); taking it up again", row.key)
        with transaction.atomic():
            # Claimed by nobody: a worker that was only slow and finishes after all leaves the row.
            UnfinishedChange.objects.filter(pk=row.pk).update(claimed_by="", lease_until=_lease_from(now))
            args = () if row.key == EVERYTHING else (row.also,) if row.key == SOME_ADDRESSES else (row.key, row.also)
            result = task.enqueue(*args)
            UnfinishedChange.objects.filter(pk=row.pk).update(task_id=str(result.id))
        resumed.append(row.key)
    return resumed


def retry_problems(now=None):
    """Publish again the addresses whose problem is due for another try (a folder that could not
    be written, a page that failed to render). Returns them."""
    now = now or timezone.now()
    due = list(PublishingProblem.objects.filter(retry_at__lte=now).values_list("url", flat=True))
    if due:
        # Not due again until this try has had its chance; a failure sets the next time.
        PublishingProblem.objects.filter(url__in=due).update(retry_at=_lease_from(now))
        owe_urls(due)
    return due


def _status(task, task_id):
    if not task_id:
        return None
    try:
        return task.get_result(task_id).status
    except (TaskResultDoesNotExist, NotImplementedError, ValueError):  # pruned, or a backend that keeps none
        return None
