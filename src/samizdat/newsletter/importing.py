"""Importing subscribers from a CSV file: every row taken or refused with a reason, and a bad row
never stops the good ones. Copes with what spreadsheets and old list services really export:
Windows encodings, semicolons, a missing header row, duplicates, junk."""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .models import Subscriber, Subscription, Suppression
from .privacy import erased_among
from .subscriptions import SignupError, normalise_email

EMAIL_HEADERS = {"email", "e-mail", "email address", "e-mail address", "mail", "address", "emailaddress", "email_address"}
MAX_BYTES = 20 * 1024 * 1024


class CSVFileError(Exception):
    """The file as a whole can't be read; said for the editor."""


@dataclass
class ImportReport:
    taken: list = field(default_factory=list)  # (line, email)
    already: list = field(default_factory=list)  # (line, email): subscribed before, left as it was
    refused: list = field(default_factory=list)  # (line, what the row said, reason)
    notes: list = field(default_factory=list)  # how the file was read

    def summary(self):
        return f"{len(self.taken)} taken, {len(self.already)} already subscribed, {len(self.refused)} refused"


def decode(data):
    if b"\x00" in data[:4096] or data[:4] == b"PK\x03\x04":  # binary, or a zip (xlsx, ods)
        raise CSVFileError("This is not a CSV file (it looks like a spreadsheet). Save it as CSV and try again.")
    for encoding, label in (("utf-8-sig", None), ("cp1252", "Windows-1252"), ("latin-1", "Latin-1")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, (f"The file is not UTF-8; read it as {label}." if label else None)
    raise CSVFileError("The file's text encoding could not be read.")  # latin-1 never fails; kept for clarity


# A row the csv module refuses (a cell over its 128 KB field limit, a stray NUL): no address is
# that long, so the row is refused with this reason and the reading goes on at the next line.
UNREADABLE_ROW = None


def rows_of(text):
    """Every row of the file, UNREADABLE_ROW in place of one the csv module can't read."""
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = []
    while True:
        try:
            rows.append(next(reader))
        except StopIteration:
            return rows
        except csv.Error:
            rows.append(UNREADABLE_ROW)


def find_email_column(rows):
    """(column index, whether the first row is a header)."""
    first = [cell.strip().lower() for cell in rows[0] or []]
    for index, cell in enumerate(first):
        if cell in EMAIL_HEADERS:
            return index, True
    for index, cell in enumerate(first):
        if "@" in cell:
            return index, False
    for row in rows[1:20]:
        for index, cell in enumerate(row or []):
            if "@" in cell:
                return index, True
    raise CSVFileError("No column of email addresses found. Name the column \"email\" in the first row.")


def import_subscribers(data, newsletter, *, source="import", consent_text="", now=None):
    """Subscribe every good address in the CSV `data` (bytes) to `newsletter`, as confirmed:
    the newsroom vouches that these people asked for it (consent_text says how)."""
    if len(data) > MAX_BYTES:
        raise CSVFileError("The file is larger than 20 MB. Split it and import the parts one by one.")
    now = now or timezone.now()
    report = ImportReport()
    text, note = decode(data)
    if note:
        report.notes.append(note)
    rows = rows_of(text)
    if not any(row is UNREADABLE_ROW or any(cell.strip() for cell in row) for row in rows):
        raise CSVFileError("The file is empty.")
    column, has_header = find_email_column(rows)
    if not has_header:
        report.notes.append(f"No header row: took column {column + 1} as the email address.")
    first_line = 2 if has_header else 1
    wanted = {}  # email → line
    for line, row in enumerate(rows[1:] if has_header else rows, start=first_line):
        if row is UNREADABLE_ROW:
            report.refused.append((line, "", gettext("this row could not be read (a cell longer than 128 KB, or a broken one)")))
            continue
        if not any(cell.strip() for cell in row):
            continue
        raw = row[column].strip() if column < len(row) else ""
        try:
            email = normalise_email(raw)
        except SignupError:
            report.refused.append((line, raw or ",".join(row)[:100], "not an email address" if raw else "no email address in this row"))
            continue
        if email in wanted:
            report.refused.append((line, raw, f"the same address as line {wanted[email]}"))
            continue
        wanted[email] = line
    suppressed = dict(Suppression.objects.filter(email__in=list(wanted)).values_list("email", "reason"))
    for email, reason in suppressed.items():
        report.refused.append((wanted.pop(email), email, f"on the suppression list ({reason}): only the person can sign up again"))
    for email in sorted(erased_among(wanted)):
        report.refused.append((wanted.pop(email), email, "erased on request: never to be mailed again"))
    _subscribe_all(wanted, newsletter, source, consent_text or f"Imported on {now:%Y-%m-%d}", now, report)
    report.refused.sort()
    return report


def _subscribe_all(wanted, newsletter, source, consent_text, now, report):
    emails = list(wanted)
    with transaction.atomic():
        for start in range(0, len(emails), 1000):
            chunk = emails[start : start + 1000]
            existing = dict(Subscriber.objects.filter(email__in=chunk).values_list("email", "pk"))
            Subscriber.objects.bulk_create(
                [Subscriber(email=email, created_at=now, imported=True) for email in chunk if email not in existing],
                ignore_conflicts=True,
            )
            ids = dict(Subscriber.objects.filter(email__in=chunk).values_list("email", "pk"))
            statuses = dict(
                Subscription.objects.filter(newsletter=newsletter, subscriber_id__in=ids.values())
                .values_list("subscriber_id", "status")
            )
            active = {pk for pk, status in statuses.items() if status == Subscription.ACTIVE}
            left = {pk for pk, status in statuses.items() if status == Subscription.UNSUBSCRIBED}
            for email in chunk:
                if ids[email] in left:
                    report.refused.append((wanted[email], email, "unsubscribed earlier: only the person can sign up again"))
                elif ids[email] in active:
                    report.already.append((wanted[email], email))
                else:
                    report.taken.append((wanted[email], email))
            fresh = [ids[email] for email in chunk if ids[email] not in active | left]
            Subscription.objects.filter(newsletter=newsletter, subscriber_id__in=fresh).update(
                status=Subscription.ACTIVE, confirmed_at=now, unsubscribed_at=None,
                consent_at=now, consent_text=consent_text, consent_source=source,
            )
            Subscription.objects.bulk_create(
                [
                    Subscription(
                        subscriber_id=subscriber_id, newsletter=newsletter, status=Subscription.ACTIVE,
                        consent_at=now, consent_text=consent_text, consent_source=source, confirmed_at=now,
                    )
                    for subscriber_id in fresh
                ],
                ignore_conflicts=True,
            )
