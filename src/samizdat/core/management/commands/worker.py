"""The background worker: runs queued tasks, and now and then the periodic commands (scheduled pages)."""

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorker
from wagtail import hooks

from samizdat.core.static_files import ensure_static_collected

logger = logging.getLogger(__name__)


def run_periodic_commands():
    """The commands settings.WORKER_PERIODIC_COMMANDS names: Wagtail's go-live and expiry, the
    newsletter's weekly drafts. Each runs on its own, so one failing doesn't stop the others."""
    for command in settings.WORKER_PERIODIC_COMMANDS:
        try:
            call_command(*command, verbosity=0)
        except Exception:
            logger.exception("%s failed; trying again next time", " ".join(command))


def warm_up():
    """The functions apps register as the Wagtail hook "samizdat_worker_started" (fn(), called once
    as the worker starts, before it takes tasks); one failing only costs the first task time."""
    for fn in hooks.get_hooks("samizdat_worker_started"):
        try:
            fn()
        except Exception:
            logger.exception("Warming up with %s failed", fn.__qualname__)


def run_periodic_commands_forever(interval, stop):
    """So scheduled articles appear, and drafts are ready on Monday, without a cron job."""
    while not stop.wait(interval):
        close_old_connections()
        try:
            run_periodic_commands()
        finally:
            connections.close_all()


class QuietDbWorker(DbWorker):
    """django-tasks' worker logs two lines per task at verbosity 1; we keep its warnings and failures."""

    def configure_logging(self, verbosity):
        super().configure_logging(verbosity)
        if verbosity <= 1:
            for name in ("django_tasks", "django_tasks_db"):
                logging.getLogger(name).setLevel(logging.WARNING)


class Command(BaseCommand):
    help = "Run background tasks (django-tasks database queue) and publish scheduled pages."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule-interval",
            type=float,
            default=settings.PUBLISH_SCHEDULED_INTERVAL,
            help="Seconds between checks for pages due to go live or expire (default %(default)s).",
        )
        # Short: a published story should reach the output folder within a second of the click.
        parser.add_argument("--interval", type=float, default=0.05, help="Seconds between polls of the task queue.")

    def handle(self, *args, **options):
        ensure_static_collected()  # the pages it publishes name the styles by hashed name
        stop = threading.Event()
        warm_up()
        run_periodic_commands()
        scheduler = threading.Thread(
            target=run_periodic_commands_forever, args=(options["schedule_interval"], stop), daemon=True
        )
        scheduler.start()
        try:
            call_command(QuietDbWorker(), interval=options["interval"], queue_name="*")
        finally:
            stop.set()
