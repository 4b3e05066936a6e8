"""The background worker's periodic commands: scheduled pages and the newsletter's weekly drafts
happen without a cron job."""

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


def test_one_failing_command_does_not_stop_the_others(settings):
    settings.WORKER_PERIODIC_COMMANDS = [["no_such_command"], ["newsletter", "drafts"]]
    Newsletter.objects.create(name="The Week", slug="the-week", description="Weekly.", weekly=True)
    run_periodic_commands()
    assert Edition.objects.count() == 1
    assert Edition.objects.get().week_of <= timezone.localdate()
