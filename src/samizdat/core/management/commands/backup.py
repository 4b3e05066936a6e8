"""`samizdat backup FILE [--recipient age1...]`: one archive of the site (core/backup.py)."""

import sys

from django.core.management.base import BaseCommand

from samizdat.core.backup import BackupError, create_backup, read_recipients_file


class Command(BaseCommand):
    help = (
        "Write one archive of the database, the uploaded media and the secret key, while the site runs. "
        "Published pages are left out: samizdat publish --all makes them again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the backup, such as /srv/backups/samizdat.tar.age")
        parser.add_argument(
            "-r", "--recipient", action="append", default=[], metavar="AGE_PUBLIC_KEY",
            help="Encrypt to this age public key (age1...); repeat for several. Only the private key opens it.",
        )
        parser.add_argument(
            "-R", "--recipients-file", action="append", default=[], metavar="FILE",
            help="Encrypt to every age public key in FILE, one a line.",
        )

    def handle(self, *args, file, recipient, recipients_file, **options):
        try:
            recipients = list(recipient)
            for path in recipients_file:
                recipients += read_recipients_file(path)
            report = create_backup(file, recipients)
        except BackupError as error:
            self.stderr.write(str(error))
            sys.exit(1)
        self.stdout.write(report.summary())
        if not report.encrypted_to:
            self.stdout.write(
                "It is not encrypted: it holds every subscriber's address and the site's secret key. Keep it "
                "where only you can read it, or encrypt it with --recipient (docs/deploy.md, Backups)."
            )
