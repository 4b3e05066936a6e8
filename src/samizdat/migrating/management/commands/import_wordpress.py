"""`samizdat import wordpress EXPORT.xml`: a WordPress export (WXR) becomes articles, pages and authors."""

from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError

from samizdat.core.progress import ProgressBar
from samizdat.migrating.report import REFUSED
from samizdat.migrating.wordpress.run import import_wordpress
from samizdat.news.importing import CannotImport, quiet_wagtail_log


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools > Export > All content). Re-running updates what an earlier "
        "run imported; nothing is made twice. See docs/migrating.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", metavar="EXPORT.xml", help="the WordPress export file (WXR)")
        parser.add_argument("--media", metavar="DIR", help="the site's wp-content/uploads folder, copied here")
        parser.add_argument(
            "--sections",
            metavar="MAPPING",
            help="categories that become sections: news=News,opinion=Opinion, or a file of such lines",
        )
        parser.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
        parser.add_argument("--no-progress", action="store_true", help="don't draw a progress bar")

    def handle(self, *args, export, media, sections, dry_run, no_progress, **options):
        progress = None if no_progress else (lambda total: ProgressBar(total, "Importing"))
        try:
            with quiet_wagtail_log() if options["verbosity"] < 2 else nullcontext():
                report = import_wordpress(export, media=media, sections=sections, dry_run=dry_run, progress=progress)
        except CannotImport as error:
            raise CommandError(f"Nothing imported: {error}.") from None
        for line in report.mapping:
            self.stdout.write(line)
        for result in report.results:
            style = self.style.ERROR if result.status == REFUSED else self.style.SUCCESS
            self.stdout.write(style(result.line()))
        self.stdout.write(report.summary())
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        if report.refused:
            # Non-zero, so a script or CI notices posts that were left out.
            raise CommandError(f"{len(report.refused)} item(s) refused; see the lines above.", returncode=1)
