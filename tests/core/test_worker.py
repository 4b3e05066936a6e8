"""The background worker's periodic commands: scheduled pages and the newsletter's weekly drafts
happen without a cron job."""

from datetime import timedelta

import pytest
from django.utils import timezone

from samizdat.core.management.commands.worker import run_periodic_commands
from samizdat.newsletter.models import Edition, Newsletter

pytestmark = pytest.mark.django_db


def test_the_worker_makes_this_weeks_newsletter_draft_once(settings):
    newsletter = Newsletter.objects.create(name="The Week", slug="the-week", description="Weekly.", weekly=True)
    run_periodic_commands()
    run_periodic_commands()
    drafts = Edition.objects.filter(newsletter=newsletter)
    assert drafts.count() == 1
    assert drafts.get().status == Edition.DRAFT


def test_an_approved_edition_whose_queued_start_was_lost_still_starts(settings):
    """A deploy that renames a task leaves the old one unrunnable in the queue: the worker's
    periodic pass starts the edition anyway, once."""
    newsletter = Newsletter.objects.create(name="The Week", slug="the-week", description="Weekly.", weekly=True)
    edition = Edition.objects.create(newsletter=newsletter, subject="Hi", intro="Hello.", status=Edition.APPROVED,
                                     scheduled_at=timezone.now() - timedelta(minutes=5))
    run_periodic_commands()
    run_periodic_commands()
    edition.refresh_from_db()
    assert edition.status in (Edition.SENDING, Edition.SENT)
    assert edition.started_at is not None


def test_one_failing_command_does_not_stop_the_others(settings):
    settings.WORKER_PERIODIC_COMMANDS = [["no_such_command"], ["newsletter", "drafts"]]
    Newsletter.objects.create(name="The Week", slug="the-week", description="Weekly.", weekly=True)
    run_periodic_commands()
    assert Edition.objects.count() == 1
    assert Edition.objects.get().week_of <= timezone.localdate()
