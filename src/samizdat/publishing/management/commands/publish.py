"""`samizdat publish --all` rebuilds the public site; `samizdat publish URL ...` renders addresses;
`--check` republishes every file that differs from the database; `--resume` takes up what a
killed worker or a write error left, and queues the full check every PUBLISH_CHECK_EVERY (the
worker runs it every minute)."""

from django.core.management.base import BaseCommand, CommandError

from samizdat.core.static_files import ensure_static_collected
from samizdat.publishing.check import check_site
from samizdat.core.progress import ProgressBar
from samizdat.publishing.publish import publish_urls
from samizdat.publishing.rebuild import rebuild_site
from samizdat.publishing.sources import every_url
from samizdat.publishing.tasks import enqueue_check_if_due, resume_unfinished, retry_problems


class Command(BaseCommand):
    help = "Render the public site into PUBLIC_DIR: everything (--all) or the addresses given."

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="*", help="Addresses to render, such as /news/ or /rss.xml")
        parser.add_argument("--all", action="store_true", help="Rebuild the whole site and swap it in at once.")
        parser.add_argument(
            "--check", action="store_true",
            help="Render every page and republish each file that differs from what the database says.",
        )
        parser.add_argument(
            "--resume", action="store_true",
            help="Enqueue again publishing a stopped worker left unfinished, addresses due for a retry, and the full check when due.",
        )
        parser.add_argument("--processes", type=int, default=None, help="Rendering processes (default: one per CPU).")
        parser.add_argument("--no-progress", action="store_true", help="Don't draw a progress bar.")

    def handle(self, *args, urls, all, check, resume, processes, no_progress, **options):
        if [all, bool(urls), check, resume].count(True) != 1:
            raise CommandError("Give one of --all, --check, --resume, or one or more addresses (such as /news/).")
        if resume:
            resumed, retried = resume_unfinished(), retry_problems()
            if options["verbosity"] and (resumed or retried):
                self.stdout.write(f"Taken up again: {len(resumed)} unfinished, {len(retried)} addresses to retry")
            if enqueue_check_if_due() and options["verbosity"]:
                self.stdout.write("The periodic full check is queued (PUBLISH_CHECK_EVERY)")
            return
        ensure_static_collected()
        if check:
            total = sum(1 for _ in every_url())
            progress = None if no_progress else ProgressBar(total, "Checking", stream=self.stderr._out)
            report = check_site(processes=processes, progress=progress)
            differed = report.written + report.removed
            self.stdout.write(f"{len(differed)} files differed from the database and were republished")
            for url in differed:
                self.stdout.write(f"republished: {url}")
        elif all:
            total = sum(1 for _ in every_url())
            progress = None if no_progress else ProgressBar(total, "Publishing", stream=self.stderr._out)
            report = rebuild_site(processes=processes, progress=progress)
        else:
            progress = None if no_progress else ProgressBar(len(urls), "Publishing", stream=self.stderr._out)
            report = publish_urls(urls, progress=progress)
        self.stdout.write(f"{report.summary()}" + (f" ({len(report.written) / report.seconds:.0f} pages/s)" if report.seconds and all else ""))
        for url in report.failed:
            self.stderr.write(f"failed: {url} (see the admin's Publishing problems)")
        if report.failed:
            raise SystemExit(1)
