"""`samizdat restore FILE [--identity KEYFILE] [--force]`: a backup back onto a fresh install."""

import sys

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from samizdat.core.backup import BackupError
from samizdat.core.restore import restore_backup


class Command(BaseCommand):
    help = (
        "Bring back a backup made by samizdat backup: database, uploaded media and secret key. Refuses to "
        "replace a site that has data unless --force; then brings the database up to date and publishes the site."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file")
        parser.add_argument(
            "-i", "--identity", metavar="KEYFILE", help="The age private key file, for an encrypted backup."
        )
        parser.add_argument(
            "--force", action="store_true",
            help="Replace this site's database and media (the old SQLite file and media folder are kept beside them).",
        )
        parser.add_argument(
            "--no-publish", action="store_true", help="Don't run samizdat publish --all afterwards."
        )

    def handle(self, *args, file, identity, force, no_publish, **options):
        try:
            report = restore_backup(file, identity_file=identity, force=force)
        except BackupError as error:
            self.stderr.write(str(error))
            sys.exit(1)
        self.stdout.write(report.summary())
        for path in report.kept_aside:
            self.stdout.write(f"What this site had is kept in {path}; delete it once you are satisfied.")
        for note in report.notes:
            self.stderr.write(note)
        # A backup from an earlier samizdat: its database catches up with this version's.
        call_command("migrate", interactive=False, verbosity=0)
        if no_publish or not settings.PUBLISHING_ENABLED or "publish" not in get_commands():
            self.stdout.write("Published pages are not in a backup: make them with samizdat publish --all.")
            return
        self.stdout.write("Published pages are not in a backup: publishing the site again (samizdat publish --all).")
        call_command("publish", all=True, no_progress=True, stdout=self.stdout._out, stderr=self.stderr._out)
