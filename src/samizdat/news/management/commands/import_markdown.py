"""`samizdat import markdown DIR`: import a folder of Markdown articles (docs/import-format.md)."""

from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError

from samizdat.news.importing import CannotImport, import_directory, quiet_wagtail_log


class Command(BaseCommand):
    help = "Import every .md file below DIR as an article; re-importing updates articles by slug."

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="folder of .md files (or a single .md file)")

    def handle(self, *args, directory, **options):
        try:
            with quiet_wagtail_log() if options["verbosity"] < 2 else nullcontext():
                report = import_directory(directory)
        except CannotImport as error:
            raise CommandError(f"Nothing imported: {error}.") from None
        if not report.results:
            self.stdout.write(f"No .md files found in {directory}.")
        for result in report.results:
            style = self.style.ERROR if result.status == "rejected" else self.style.SUCCESS
            self.stdout.write(style(result.line()))
        self.stdout.write(report.summary())
        if report.rejected:
            # A non-zero exit code, so scripts and CI notice files that were left out.
            raise CommandError(f"{len(report.rejected)} file(s) rejected; see the lines above.", returncode=1)
