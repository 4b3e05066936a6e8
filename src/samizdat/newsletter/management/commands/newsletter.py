"""`samizdat newsletter ...`: send an edition from the command line, start due editions, make drafts.

    samizdat newsletter send EDITION [--progress] [--approve]   send now (or resume a stopped send)
    samizdat newsletter send-due                                 start approved editions whose slot has come
    samizdat newsletter drafts                                   make this week's drafts
    samizdat newsletter pause EDITION                            stop a send within a chunk
    samizdat newsletter resume EDITION [--refusals-are-real]     go on with a paused send (the worker sends it)
    samizdat newsletter cancel EDITION                           send it to nobody else
    samizdat newsletter resume-stalled                           go on with sends a dead worker left
    samizdat newsletter bounce [--recipient ADDRESS] < MESSAGE   read a bounce report (a pipe from the mail server)
    samizdat newsletter bounces                                  read the bounce mailbox (NEWSLETTER_BOUNCE_MAILBOX)
"""

import multiprocessing
import sys
import time
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.utils import timezone

from samizdat.core.progress import ProgressBar
from samizdat.newsletter import bounce_reports, drafts, schedule
from samizdat.newsletter.deliveries import progress_of, unfinished_batches
from samizdat.newsletter.models import Delivery, Edition

MAX_REPORT_BYTES = 10 * 1024 * 1024  # a report quotes the message; more than this is not one of ours
EX_TEMPFAIL = 75  # sysexits.h: what a mail server's pipe reads as "try again later"


class Command(BaseCommand):
    help = "Newsletter sending and drafts (docs/newsletter.md)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        send = commands.add_parser("send", help="Send an approved edition now, in this process, or resume one that stopped.")
        send.add_argument("edition", type=int, help="The edition's number (in the admin's address).")
        send.add_argument("--progress", action="store_true", help="Draw a progress bar.")
        send.add_argument("--approve", action="store_true", help="Approve a draft first.")
        send.add_argument(
            "--processes", type=int, default=1,
            help="Sending processes sharing the batches, each with NEWSLETTER_CONCURRENCY connections (default 1).",
        )
        pause = commands.add_parser("pause", help="Pause a send: it stops within one chunk; nobody is suppressed.")
        pause.add_argument("edition", type=int)
        resume = commands.add_parser("resume", help="Resume a paused send: exactly those not yet sent get it (through the worker).")
        resume.add_argument("edition", type=int)
        resume.add_argument(
            "--refusals-are-real", action="store_true",
            help="The refusals that paused it are dead addresses: suppress them, and don't pause for refusals again.",
        )
        cancel = commands.add_parser("cancel", help="Cancel an approved, sending or paused edition; who got it is kept.")
        cancel.add_argument("edition", type=int)
        bounce = commands.add_parser(
            "bounce", help="Read one bounce report from standard input: for the mail server's pipe to the bounce address.",
        )
        bounce.add_argument("--recipient", default="", help="The address it came to (Postfix: ${recipient}).")
        commands.add_parser("bounces", help="Read and delete the reports in NEWSLETTER_BOUNCE_MAILBOX (the worker runs it).")
        commands.add_parser("send-due", help="Start approved editions whose slot has come (for cron).")
        commands.add_parser("drafts", help="Make this week's draft of each weekly newsletter.")
        commands.add_parser(
            "resume-stalled",
            help="Enqueue again the batches of sends nobody has worked on for NEWSLETTER_LEASE_SECONDS (the worker runs it).",
        )

    def handle(self, *args, command, **options):
        if command == "send":
            self.send(options["edition"], options["progress"], options["approve"], max(options["processes"], 1))
        elif command == "bounce":
            self.bounce(options["recipient"])
        elif command == "bounces":
            if settings.NEWSLETTER_BOUNCE_MAILBOX:  # the worker asks every minute, set or not
                outcomes = bounce_reports.process_mailbox()
                if outcomes or options["verbosity"] > 1:
                    self.stdout.write(f"Read {len(outcomes)} message(s): " + ", ".join(map(str, outcomes)))
            elif options["verbosity"] > 1:
                self.stdout.write("No bounce mailbox is set (NEWSLETTER_BOUNCE_MAILBOX).")
        elif command in ("pause", "resume", "cancel"):
            self.control(command, options["edition"], options.get("refusals_are_real", False))
        elif command == "send-due":
            started = schedule.send_due()
            if started or options["verbosity"] > 0:  # the worker runs this every minute, quietly
                self.stdout.write(f"Started {len(started)} edition(s)" + (f": {', '.join(map(str, started))}" if started else ""))
        elif command == "drafts":
            made = drafts.ensure_weekly_drafts()
            if made or options["verbosity"] > 0:  # the worker runs this every minute, quietly
                self.stdout.write(f"Made {len(made)} draft(s)")
        elif command == "resume-stalled":
            resumed = schedule.resume_stalled()
            if resumed or options["verbosity"] > 0:
                self.stdout.write(f"Resumed {len(resumed)} send(s)" + (f": {', '.join(map(str, resumed))}" if resumed else ""))

    def bounce(self, recipient):
        """What a mail server's pipe runs: it must not send the report back as undeliverable for
        anything but a fault of ours it may retry, so an unreadable message is accepted and
        ignored, and only a database that can't be reached asks for a retry (EX_TEMPFAIL)."""
        raw = sys.stdin.buffer.read(MAX_REPORT_BYTES)
        try:
            outcome = bounce_reports.process_report(raw, recipient)
        except DatabaseError as error:
            self.stderr.write(f"Could not record the bounce report now ({type(error).__name__}); the mail server will try again.")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(str(outcome))

    def control(self, command, edition_id, refusals_are_real=False):
        if not Edition.objects.filter(pk=edition_id).exists():
            raise CommandError(f"There is no edition {edition_id}.")
        try:
            if command == "pause":
                if not schedule.pause(edition_id, "Paused by an operator (samizdat newsletter pause).", by="an operator"):
                    raise schedule.SendingError("Only an edition being sent can be paused.")
                self.stdout.write(f"Edition {edition_id} is paused: senders stop within one chunk. Resume it with `samizdat newsletter resume {edition_id}`.")
            elif command == "resume":
                batches = schedule.resume(edition_id, refusals_are_real=refusals_are_real)
                self.stdout.write(f"Edition {edition_id} resumed: {len(batches)} batch(es) queued for the worker.")
            else:
                schedule.cancel(edition_id)
                counts = progress_of(Edition.objects.get(pk=edition_id))
                self.stdout.write(f"Edition {edition_id} cancelled: {counts['sent']} got it, {counts['cancelled']} won't.")
        except schedule.SendingError as error:
            raise CommandError(f"Edition {edition_id}: {error}") from None

    def send(self, edition_id, progress, approve, processes=1):
        edition = Edition.objects.filter(pk=edition_id).first()
        if edition is None:
            raise CommandError(f"There is no edition {edition_id}.")
        if edition.status == Edition.SENT:
            raise CommandError(f"Edition {edition_id} was sent on {edition.sent_at:%Y-%m-%d %H:%M}; an edition is sent only once.")
        if edition.status == Edition.CANCELLED:
            raise CommandError(f"Edition {edition_id} was cancelled; it is not sent again.")
        if edition.status == Edition.PAUSED:
            raise CommandError(
                f"Edition {edition_id} is paused: {edition.pause_reason}\n"
                f"Put that right, then `samizdat newsletter resume {edition_id}` (or resume it in the admin)."
            )
        if edition.status == Edition.DRAFT:
            if not approve:
                raise CommandError(f"Edition {edition_id} is a draft: approve it in the admin, or pass --approve.")
            try:
                schedule.approve(edition, send_now=True)
            except schedule.SendingError as error:
                raise CommandError(str(error)) from None
        elif edition.status == Edition.APPROVED:
            # Approved for a later slot: the operator says now.
            Edition.objects.filter(pk=edition_id, status=Edition.APPROVED).update(scheduled_at=timezone.now())
        # Whoever started it (this command, a worker, an approval that ran at once), what is left
        # of every batch is sent here; deliveries other senders hold are left to them.
        schedule.start_send(edition_id, enqueue=False)
        total = Delivery.objects.filter(edition_id=edition_id).count()
        already = Delivery.objects.filter(edition_id=edition_id).exclude(status__in=[Delivery.PENDING, Delivery.SENDING]).count()
        bar = ProgressBar(total, f"Sending {edition_id}", stream=self.stderr._out) if progress else None
        if bar:
            bar.done = already
        batches = unfinished_batches(edition_id)
        if processes > 1 and len(batches) > 1:
            sent = send_in_processes(edition_id, batches, processes, bar)
        else:
            sent = sum(schedule.send_batch(edition_id, batch, progress=bar) for batch in batches)
        edition.refresh_from_db()
        counts = progress_of(edition)
        self.stdout.write(
            f"Edition {edition_id}: {counts['status_label'].lower()}; {counts['sent']} of {counts['total']} sent "
            f"({sent} by this run), {counts['failed']} refused, {counts['skipped']} skipped."
        )
        if edition.status == Edition.PAUSED:
            raise CommandError(
                f"Edition {edition_id} paused: {edition.pause_reason}\n"
                f"Put that right, then `samizdat newsletter resume {edition_id}`; {counts['waiting']} reader(s) are waiting for it."
            )
        if counts["waiting"]:
            # The mail server asked for some to be tried later; those tries are the worker's.
            when = timezone.localtime(datetime.fromisoformat(counts["next_retry"])) if counts["next_retry"] else None
            self.stdout.write(
                f"{counts['waiting']} reader(s) are waiting because the mail server asked to try again later; "
                f"the worker (samizdat worker, or samizdat serve) sends them"
                + (f", the next at {when:%H:%M:%S}." if when else ".")
            )


def send_in_processes(edition_id, batches, processes, bar):
    """The batches shared out among forked processes, as several workers would share them; the
    bar follows the deliveries recorded in the database."""
    connections.close_all()  # each process opens its own
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=_send_batches, args=(edition_id, batches[n::processes])) for n in range(processes)]
    for child in children:
        child.start()
    done = Delivery.objects.filter(edition_id=edition_id).exclude(status__in=[Delivery.PENDING, Delivery.SENDING])
    before = Delivery.objects.filter(edition_id=edition_id, status=Delivery.SENT).count()
    while any(child.is_alive() for child in children):
        for child in children:
            child.join(0.5 / len(children))  # returns at once when they finish
        if bar:
            bar.done = done.count()
            bar.draw(time.monotonic())
    failed = [child.exitcode for child in children if child.exitcode]
    if failed:
        raise CommandError(f"{len(failed)} sending process(es) failed; run the command again to send what is left.")
    if bar:
        bar.done = done.count()
        bar.draw(time.monotonic())
    return Delivery.objects.filter(edition_id=edition_id, status=Delivery.SENT).count() - before


def _send_batches(edition_id, batches):
    connections.close_all()
    for batch in batches:
        schedule.send_batch(edition_id, batch)
    connections.close_all()
