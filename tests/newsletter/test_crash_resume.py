"""A sender killed mid-send (a real process, SIGKILL) and started again: every subscriber gets the
edition, and only the messages in flight at the moment of the kill can arrive twice."""

import os
import signal
import sqlite3
import subprocess
import time
from collections import Counter

import pytest
from django.utils import timezone

from samizdat.newsletter.models import Edition, Subscriber, Subscription
from tests.subprocesses import SAMIZDAT, database_for_subprocess

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

READERS = 300
CHUNK = 10  # the in-flight window: deliveries claimed at once


@pytest.fixture
def edition(the_week):
    """An edition approved for now, to READERS confirmed subscribers."""
    subscribers = Subscriber.objects.bulk_create(Subscriber(email=f"reader{n}@example.org") for n in range(READERS))
    Subscription.objects.bulk_create(
        Subscription(subscriber=s, newsletter=the_week, status=Subscription.ACTIVE, consent_text="test") for s in subscribers
    )
    return Edition.objects.create(
        newsletter=the_week, subject="Crash test", intro="Hello.", status=Edition.APPROVED, scheduled_at=timezone.now()
    )


def sending_env(smtp, tmp_path, **more):
    return {
        **os.environ,
        "DATABASE_URL": database_for_subprocess(tmp_path),
        "SAMIZDAT_VAR_DIR": str(tmp_path / "var"),
        "SITE_URL": "https://courier.example",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "PUBLISHING_ENABLED": "false",
        "NEWSLETTER_CHUNK_SIZE": str(CHUNK),
        "NEWSLETTER_BATCH_SIZE": "100",
        "NEWSLETTER_CONCURRENCY": "2",
        "NEWSLETTER_RATE_LIMIT": "300",  # slow enough to be killed in the middle
        **more,
    }


def kill_in_the_middle(process, smtp, what):
    """SIGKILL once a third of the readers got it, in the middle of a chunk."""
    deadline = time.monotonic() + 60
    while len(smtp.received) < READERS // 3 + CHUNK // 2:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"the {what} never got going"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert len(smtp.received) < READERS, "killed too late to test anything"


def assert_everyone_once_but_the_chunk_in_flight(smtp):
    got = Counter(address for message in smtp.received for address in message.recipients)
    assert set(got) == {f"reader{n}@example.org" for n in range(READERS)}  # nobody skipped
    twice = [address for address, count in got.items() if count > 1]
    assert all(count <= 2 for count in got.values())
    assert len(twice) <= CHUNK, f"{len(twice)} readers got it twice; only the {CHUNK} in flight may"


def test_a_killed_sender_resumes_without_skipping_anyone(smtp, edition, tmp_path):
    env = sending_env(smtp, tmp_path, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
    sender = subprocess.Popen([SAMIZDAT, "newsletter", "send", str(edition.pk)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    kill_in_the_middle(sender, smtp, "sender")

    # Started again, in two processes sharing the batches; the killed sender's claims are taken
    # back at once (its lease set to nothing).
    resumed = subprocess.run(
        [SAMIZDAT, "newsletter", "send", str(edition.pk), "--processes", "2"],
        env={**env, "NEWSLETTER_LEASE_SECONDS": "0", "NEWSLETTER_RATE_LIMIT": "0"},
        capture_output=True, text=True, timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"Edition {edition.pk}: sent; {READERS} of {READERS} sent" in resumed.stdout
    assert_everyone_once_but_the_chunk_in_flight(smtp)

    again = subprocess.run([SAMIZDAT, "newsletter", "send", str(edition.pk)], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 1 and "sent only once" in again.stderr


def test_a_killed_worker_goes_on_by_itself_when_a_worker_runs_again(smtp, edition, tmp_path, settings):
    """The send runs as tasks in the database queue; its worker is killed mid-send and a new one
    started. The batch the dead worker held is taken up by the worker's periodic resume-stalled,
    with nobody running a command or pressing a button."""
    env = sending_env(
        smtp, tmp_path,
        EMAIL_BACKEND="samizdat.newsletter.smtp.EmailBackend",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        STATIC_ROOT=str(settings.STATIC_ROOT),  # collected once for the test run
    )
    # The slot has come: the send starts and its batches wait in the queue for a worker.
    started = subprocess.run([SAMIZDAT, "newsletter", "send-due"], env=env, capture_output=True, text=True, timeout=60)
    assert f"Started 1 edition(s): {edition.pk}" in started.stdout, started.stderr
    worker = subprocess.Popen([SAMIZDAT, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    kill_in_the_middle(worker, smtp, "worker")

    # A new worker; the dead one's claims count as abandoned at once (lease set to nothing).
    worker = subprocess.Popen([SAMIZDAT, "worker"], env={**env, "NEWSLETTER_LEASE_SECONDS": "0", "NEWSLETTER_RATE_LIMIT": "0"},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        status = _edition_status_in_subprocess_database(env, edition.pk)
        while status != Edition.SENT:
            assert worker.poll() is None, worker.communicate()
            assert time.monotonic() < deadline, f"stopped at {len(smtp.received)} of {READERS}"
            time.sleep(0.1)
            status = _edition_status_in_subprocess_database(env, edition.pk)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert_everyone_once_but_the_chunk_in_flight(smtp)


def _edition_status_in_subprocess_database(env, edition_id):
    if env["DATABASE_URL"].startswith("sqlite:///"):
        with sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///")) as database:
            return database.execute(f"SELECT status FROM {Edition._meta.db_table} WHERE id = ?", [edition_id]).fetchone()[0]
    return Edition.objects.get(pk=edition_id).status
