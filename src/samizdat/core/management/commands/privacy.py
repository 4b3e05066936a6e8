"""`samizdat privacy ...`: one person's data, and what the site keeps no longer than needed.

    samizdat privacy export EMAIL [--output FILE]   everything held about the address, as JSON
    samizdat privacy erase EMAIL [--yes]            remove their name and address everywhere
                                                    (without --yes: say what would go, change nothing)
    samizdat privacy purge [--now]                  unconfirmed signups, finished tasks, old delivery
                                                    logs (the worker runs it; it acts at most hourly)
"""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from samizdat.core import privacy
from samizdat.core.audit import log_personal_data_request
from samizdat.core.models import PersonalDataRequest

PURGE_EVERY = 3600  # seconds: the worker calls it every minute; the work is needed hourly at most


def purge_stamp():
    return Path(settings.VAR_DIR) / "privacy.purged"


def purge_is_due(now=None):
    stamp = purge_stamp()
    return not stamp.exists() or (now or time.time()) - stamp.stat().st_mtime >= PURGE_EVERY


def address(value):
    email = privacy.normalise(value)
    if "@" not in email or len(email) > 254:
        raise CommandError(f"{value!r} is not an email address.")
    return email


class Command(BaseCommand):
    help = "Export or erase one person's data; purge what is kept no longer than the settings say."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        export = commands.add_parser("export", help="Everything the site holds about an address, as JSON.")
        export.add_argument("email")
        export.add_argument("--output", "-o", help="Write to this file (made readable by its owner only).")
        erase = commands.add_parser("erase", help="Remove a person's name and address everywhere.")
        erase.add_argument("email")
        erase.add_argument("--yes", action="store_true", help="Erase: without it, only say what would go.")
        purge = commands.add_parser("purge", help="Remove what the retention settings say is kept no longer.")
        purge.add_argument("--now", action="store_true", help="Even if the last purge was less than an hour ago.")

    def handle(self, *args, command, **options):
        getattr(self, command.replace("-", "_"))(**options)

    def export(self, email, output=None, **options):
        found = privacy.export_person(address(email))
        text = found.as_json()
        if output:
            path = Path(output)
            path.touch(mode=0o600)
            path.write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"{found.row_count} rows written to {path}.")
        else:
            self.stdout.write(text)
        log_personal_data_request(PersonalDataRequest.EXPORT, found.email, data={"rows": found.row_count, "by": "command line"})

    def erase(self, email, yes=False, **options):
        email = address(email)
        if not yes:
            found = privacy.export_person(email)
            for section, kinds in found.sections.items():
                for kind, rows in kinds.items():
                    if rows:
                        self.stdout.write(f"{section}: {len(rows)} {kind}")
            self.stdout.write("Nothing was changed. Run again with --yes to erase.")
            return
        done = privacy.erase_person(email)
        for section, kinds in done.items():
            for kind, count in kinds.items():
                if count:
                    self.stdout.write(f"{section}: {count} {kind}")
        log_personal_data_request(PersonalDataRequest.ERASURE, email, data={"by": "command line"})
        self.stdout.write("Erased. The address is kept only as a hash on the newsletter's suppression list.")

    def purge(self, now=False, **options):
        if not now and not purge_is_due():
            return
        purge_stamp().touch()
        done = privacy.purge()
        for section, kinds in done.items():
            for kind, count in kinds.items():
                if count:
                    self.stdout.write(f"{section}: {count} {kind} removed")
