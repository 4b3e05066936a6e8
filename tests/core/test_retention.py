"""Retention: `samizdat privacy purge` (run by the worker every minute, acting at most hourly)
removes signups never confirmed after NEWSLETTER_UNCONFIRMED_DAYS, finished task rows after
TASKS_KEEP_DAYS, and who got which edition after NEWSLETTER_DELIVERY_LOG_DAYS, the counts staying
on the edition."""

import io
import os
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samizdat.core.management.commands.privacy import purge_stamp
from samizdat.newsletter.models import Delivery, Edition, Newsletter, Subscriber, Subscription
from samizdat.newsletter.deliveries import progress_of
from samizdat.newsletter.tasks import send_test_task

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def ago(days):
    return NOW - timedelta(days=days)


@pytest.fixture(autouse=True)
def retention(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.NEWSLETTER_UNCONFIRMED_DAYS = 7
    settings.TASKS_KEEP_DAYS = 14
    settings.NEWSLETTER_DELIVERY_LOG_DAYS = 90


@pytest.fixture
def week():
    return Newsletter.objects.create(name="The Week", slug="the-week")


def purge(*args):
    out = io.StringIO()
    call_command("privacy", "purge", *args, stdout=out)
    return out.getvalue()


def signup(week, email, status, days_ago):
    subscriber = Subscriber.objects.create(email=email, created_at=ago(days_ago))
    Subscription.objects.create(subscriber=subscriber, newsletter=week, status=status, consent_at=ago(days_ago), consent_text="x")
    return subscriber


def test_signups_never_confirmed_go_after_the_set_days(week):
    signup(week, "old.pending@example.org", Subscription.PENDING, 8)
    signup(week, "new.pending@example.org", Subscription.PENDING, 2)
    signup(week, "old.active@example.org", Subscription.ACTIVE, 400)
    said = purge("--now")
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == ["new.pending@example.org", "old.active@example.org"]
    assert "1 unconfirmed signups removed" in said


def test_a_reader_keeps_their_address_when_only_a_second_signup_went_unconfirmed(week):
    other = Newsletter.objects.create(name="Alerts", slug="alerts")
    reader = signup(week, "ana@example.org", Subscription.ACTIVE, 30)
    Subscription.objects.create(subscriber=reader, newsletter=other, status=Subscription.PENDING, consent_at=ago(10), consent_text="x")
    purge("--now")
    assert list(reader.subscriptions.values_list("newsletter__slug", flat=True)) == ["the-week"]


def test_finished_task_rows_go_after_the_set_days(settings, week):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    edition = Edition.objects.create(newsletter=week, subject="Hi")
    DBTaskResult.objects.all().delete()
    for _ in range(3):
        send_test_task.enqueue(edition.pk, "editor@example.org")
    old, recent, waiting = DBTaskResult.objects.order_by("enqueued_at")
    DBTaskResult.objects.filter(pk=old.pk).update(status="SUCCESSFUL", finished_at=ago(15))
    DBTaskResult.objects.filter(pk=recent.pk).update(status="FAILED", finished_at=ago(3))
    purge("--now")
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}


def test_delivery_logs_of_old_editions_go_and_their_counts_stay(week):
    old = Edition.objects.create(newsletter=week, subject="Old", status=Edition.SENT, sent_at=ago(91))
    recent = Edition.objects.create(newsletter=week, subject="Recent", status=Edition.SENT, sent_at=ago(10))
    readers = [Subscriber.objects.create(email=f"r{i}@example.org") for i in range(3)]
    for edition in (old, recent):
        for reader, status in zip(readers, (Delivery.SENT, Delivery.SENT, Delivery.FAILED)):
            Delivery.objects.create(edition=edition, subscriber=reader, status=status)
    before = progress_of(old)
    purge("--now")
    assert not Delivery.objects.filter(edition=old).exists()
    assert Delivery.objects.filter(edition=recent).count() == 3
    after = progress_of(Edition.objects.get(pk=old.pk))
    assert (after["sent"], after["failed"], after["total"]) == (before["sent"], before["failed"], before["total"]) == (2, 1, 3)
    assert Subscriber.objects.count() == 3, "the readers themselves stay"


def test_the_purge_acts_at_most_hourly(week):
    signup(week, "old.pending@example.org", Subscription.PENDING, 8)
    purge()
    assert not Subscriber.objects.exists() and purge_stamp().exists()
    signup(week, "another@example.org", Subscription.PENDING, 8)
    purge()  # ran a moment ago: nothing done
    assert Subscriber.objects.count() == 1
    hour_ago = time.time() - 3601
    os.utime(purge_stamp(), (hour_ago, hour_ago))
    purge()
    assert not Subscriber.objects.exists()


def test_the_worker_runs_the_purge():
    assert ["privacy", "purge"] in django_settings.WORKER_PERIODIC_COMMANDS
