"""`samizdat media ...`: photos and documents (docs/security.md, "Photos and documents").

    samizdat media clean       strip location, camera and other metadata from every stored photo and rendition
"""

from django.core.management.base import BaseCommand

from samizdat.media.cleaning import clean_existing_uploads


class Command(BaseCommand):
    help = "Photos and documents: clean the metadata of uploads (docs/security.md)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser(
            "clean",
            help="Strip GPS, camera, XMP and other metadata from every stored photo and rendition, in place.",
        )

    def handle(self, *args, command, **options):
        report = clean_existing_uploads()
        for name, found in report.cleaned:
            self.stdout.write(f"cleaned {name}: {', '.join(found)}")
        self.stdout.write(
            f"{len(report.cleaned)} file(s) cleaned; {report.originals} original(s) and "
            f"{report.renditions} rendition(s) checked."
        )
