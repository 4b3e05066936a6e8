"""Bounces that arrive later: a return path of our own per reader, and the reports that come back.

Behind a relay (the newsroom's own Postfix, say) a dead address is not refused while samizdat
sends: the relay accepts the message, then mails a delivery-status report (RFC 3464) to the
envelope sender. So each reader's copy goes out with its own envelope sender (VERP),
`bounces+<delivery>-<signature>@domain` built from NEWSLETTER_BOUNCE_ADDRESS, and a report that
comes back to such an address names the delivery it is about, signed, so a forged report can't
suppress anyone. Reports arrive through a pipe from the mail server (`samizdat newsletter bounce`)
or from a mailbox over IMAP (`samizdat newsletter bounces --imap`, run by the worker).

GNU Mailman's flufl.bounce reads the report: a permanent failure (Action: failed, 5.x.x) suppresses
the reader at once; a temporary one (Action: delayed, 4.x.x) counts, and a reader whose last
NEWSLETTER_SOFT_BOUNCE_LIMIT editions were all delayed is suppressed too. A message
to the bounce address that is not a report (an auto-reply) changes nothing.
"""

import email
import imaplib
import logging
import re
from dataclasses import dataclass
from email import policy
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import DatabaseError
from flufl.bounce import all_failures

from .models import Delivery, Suppression
from .return_paths import delivery_of
from .subscriptions import suppress

logger = logging.getLogger(__name__)

HARD, SOFT, NOT_OURS, NOT_A_REPORT = "hard bounce", "soft bounce", "not one of ours", "not a bounce report"
_STATUS = re.compile(r"^Status:\s*([245]\.\d{1,3}\.\d{1,3})", re.M | re.I)
_HEADERS_WITH_THE_RECIPIENT = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To")


@dataclass
class Outcome:
    kind: str
    delivery_id: int | None = None
    status: str = ""

    def __str__(self):
        about = f" (delivery {self.delivery_id}{', ' + self.status if self.status else ''})" if self.delivery_id else ""
        return f"{self.kind}{about}"


def process_report(raw, recipient=""):
    """Read one message that came to the bounce address; record what it says. `recipient` is the
    envelope recipient when the mail server gives it (a pipe); otherwise the headers are read."""
    message = email.message_from_bytes(raw, policy=policy.compat32)  # flufl.bounce reads compat32
    candidates = [recipient, *(str(value) for name in _HEADERS_WITH_THE_RECIPIENT for value in message.get_all(name, []))]
    delivery_id = next((found for found in map(delivery_of, candidates) if found), None)
    delivery = Delivery.objects.select_related("subscriber").filter(pk=delivery_id).first() if delivery_id else None
    if delivery is None:
        return Outcome(NOT_OURS)
    temporary, permanent = all_failures(message)
    status_match = _STATUS.search(_delivery_status_text(message))
    status = status_match.group(1) if status_match else ""
    if permanent:
        return _hard(delivery, status)
    if temporary:
        return _soft(delivery, status)
    return Outcome(NOT_A_REPORT, delivery.pk)


def _delivery_status_text(message):
    parts = [part for part in message.walk() if part.get_content_type() == "message/delivery-status"]
    texts = []
    for part in parts:
        payload = part.get_payload()
        if isinstance(payload, list):
            texts += [str(block) for block in payload]
        else:
            texts.append(str(payload))
    return "\n".join(texts)


def _hard(delivery, status):
    detail = f"bounce report for edition {delivery.edition_id}: {status or 'failed'}"
    suppress(delivery.subscriber.email, Suppression.BOUNCED, detail)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.FAILED, bounce=Delivery.HARD_BOUNCE, error=detail[:255])
    logger.warning("Delivery %s bounced after it was sent: %s", delivery.pk, status or "failed")
    return Outcome(HARD, delivery.pk, status)


def _soft(delivery, status):
    """A delay is usually followed by delivery: only a reader whose last
    NEWSLETTER_SOFT_BOUNCE_LIMIT editions were all delayed is suppressed, so one edition that
    went through in between starts the count again."""
    if delivery.bounce != Delivery.HARD_BOUNCE:
        Delivery.objects.filter(pk=delivery.pk).update(bounce=Delivery.SOFT_BOUNCE)
    limit = settings.NEWSLETTER_SOFT_BOUNCE_LIMIT
    latest = list(
        Delivery.objects.filter(subscriber_id=delivery.subscriber_id, status=Delivery.SENT)
        .exclude(pk__gt=delivery.pk).order_by("-pk").values_list("bounce", flat=True)[:limit]
    ) if limit else []
    if limit and len(latest) == limit and all(bounce == Delivery.SOFT_BOUNCE for bounce in latest):
        suppress(delivery.subscriber.email, Suppression.BOUNCED, f"the last {limit} editions were delayed and not delivered ({status or 'delayed'})")
    return Outcome(SOFT, delivery.pk, status)


def process_mailbox(url=None):
    """Read every message in the IMAP mailbox NEWSLETTER_BOUNCE_MAILBOX names
    (imaps://user:password@host[:port]/FOLDER) and delete those read. A message whose processing
    fails stays for the next run. Returns the outcomes."""
    url = url or settings.NEWSLETTER_BOUNCE_MAILBOX
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise ValueError("NEWSLETTER_BOUNCE_MAILBOX must start with imap:// or imaps://")
    client_class = imaplib.IMAP4_SSL if parts.scheme == "imaps" else imaplib.IMAP4
    client = client_class(parts.hostname, parts.port or (993 if parts.scheme == "imaps" else 143), timeout=settings.EMAIL_TIMEOUT)
    outcomes = []
    try:
        client.login(unquote(parts.username or ""), unquote(parts.password or ""))
        client.select(unquote(parts.path.strip("/")) or "INBOX")
        _, found = client.uid("SEARCH", None, "UNDELETED", "UNFLAGGED")  # flagged: one we couldn't read
        try:
            for uid in (found[0] or b"").split():
                _, data = client.uid("FETCH", uid, "(RFC822)")
                raw = next((item[1] for item in data if isinstance(item, tuple)), None)
                if raw is None:
                    continue
                try:
                    outcomes.append(process_report(raw))
                except DatabaseError:
                    raise  # ours: every report stays for the next round
                except Exception:
                    # One message we can't read must not hold back every report after it (anyone
                    # can mail the bounce address): logged, and left where it is, read or not.
                    logger.exception("Could not read message %s of the bounce mailbox; skipped", uid.decode())
                    outcomes.append(Outcome(NOT_A_REPORT))
                    client.uid("STORE", uid, "+FLAGS", r"(\Seen \Flagged)")
                    continue
                client.uid("STORE", uid, "+FLAGS", r"(\Deleted)")
        finally:
            client.expunge()  # what was read is gone, even if a later message stopped the round
    finally:
        try:
            client.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return outcomes
