"""`samizdat media ...`: photos and documents (docs/security.md, "Photos and documents").

    samizdat media clean       strip location, camera and other metadata from every stored photo and rendition
    samizdat media documents   list the documents whose metadata names an author, an organisation or a program
"""

from django.core.management.base import BaseCommand
from wagtail.documents import get_document_model

from samizdat.media.cleaning import clean_existing_uploads
from samizdat.media.document_warnings import what_it_names


class Command(BaseCommand):
    help = "Photos and documents: strip photos' metadata, list documents that name people (docs/security.md)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser(
            "clean",
            help="Strip GPS, camera, XMP and other metadata from every stored photo and rendition, in place.",
        )
        commands.add_parser(
            "documents",
            help="List the documents whose metadata names people, an organisation, a program or a place (they are not changed).",
        )

    def handle(self, *args, command, **options):
        if command == "documents":
            self.list_documents()
        else:
            self.clean()

    def list_documents(self):
        found = 0
        for document in get_document_model().objects.order_by("pk").iterator():
            if named := what_it_names(document):
                found += 1
                self.stdout.write(f"{document.pk} {document.file.name}: names {named}")
        self.stdout.write(f"{found} document(s) name someone or something; remove it with mat2 where that could put someone at risk.")

    def clean(self):
        report = clean_existing_uploads()
        for name, found in report.cleaned:
            self.stdout.write(f"cleaned {name}: {', '.join(found)}")
        self.stdout.write(
            f"{len(report.cleaned)} file(s) cleaned; {report.originals} original(s) and "
            f"{report.renditions} rendition(s) checked."
        )
