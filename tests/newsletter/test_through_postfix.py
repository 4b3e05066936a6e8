"""Through Debian's Postfix as the newsroom's relay: what a real relay refuses, as it words it, pauses
the edition with nobody suppressed; a dead address the relay learns of later comes back as its
delivery-status report to the reader's return path, and suppresses that reader only. A run of
copies goes as fast whatever the edition's size (smtp.acknowledge_at_once)."""

import io
import sys
import time

import pytest
from django.core.mail import EmailMessage, get_connection
from django.core.management import call_command

from samizdat.core.management.commands.worker import run_periodic_commands
from samizdat.newsletter import bounce_reports, schedule
from samizdat.newsletter.models import Edition, EditionArticle, Suppression
from tests.factories import make_article, make_section

from . import imap as imap_server
from . import postfix as postfix_server
from .conftest import subscribe

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(postfix_server.available() is not None, reason=str(postfix_server.available())),
]

READERS = [f"reader{n}@example.org" for n in range(12)]


@pytest.fixture
def relay(smtp, settings):
    """Postfix on 127.0.0.1 relaying to the test SMTP server, which stands for readers' mail hosts;
    the site sends to Postfix."""
    server = postfix_server.Postfix(relay_port=smtp.port).start()
    settings.EMAIL_PORT = server.port
    settings.NEWSLETTER_BOUNCE_ADDRESS = "bounces@courier.example"
    yield server
    server.stop()


@pytest.fixture
def edition(the_week):
    story = make_article(make_section("News"), "Council approves the tram line")
    edition = Edition.objects.create(newsletter=the_week, subject="The Week: trams", intro="Good morning.")
    EditionArticle.objects.create(edition=edition, article=story, sort_order=0)
    subscribe(the_week, *READERS)
    return edition


def send(edition):
    schedule.approve(edition, send_now=True)
    edition.refresh_from_db()
    return edition


def wait_until_relayed(smtp, count, relay, seconds=30):
    deadline = time.monotonic() + seconds
    while len(smtp.received) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(smtp.received) == count, relay.log()


def test_a_dead_address_behind_the_relay_bounces_later_and_only_that_reader_is_suppressed(smtp, relay, edition, monkeypatch, capsys):
    smtp.behaviour.refuse_for_good = {"reader3@example.org", "reader8@example.org"}
    send(edition)
    assert edition.status == Edition.SENT  # the relay took all twelve
    wait_until_relayed(smtp, 10, relay)
    for report in relay.reports(2):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(report)))
        call_command("newsletter", "bounce")  # what the relay's pipe to the bounce address runs
    assert "hard bounce" in capsys.readouterr().out
    assert sorted(Suppression.objects.values_list("email", flat=True)) == ["reader3@example.org", "reader8@example.org"]


FAULTS = {
    # a relay set up wrong (or for someone else), as Postfix itself answers
    "sender refused (at RCPT, Postfix's default)": (
        {"smtpd_sender_restrictions": "reject"}, "Sender address rejected",
    ),
    "relaying denied (no credentials)": (
        {"mynetworks": "192.0.2.0/24", "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination"},
        "Relay access denied",
    ),
    "greeting refused (at RCPT)": (
        {"smtpd_helo_required": "yes", "smtpd_helo_restrictions": "reject_non_fqdn_helo_hostname"}, "Helo command rejected",
    ),
    "content refused after DATA": (
        {"header_checks": "regexp:{dir}/header_checks"}, "we do not take this",
    ),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_what_a_misconfigured_relay_refuses_pauses_the_edition_and_nobody_is_suppressed(smtp, relay, edition, settings, fault):
    changes, words = FAULTS[fault]
    relay.write("header_checks", "/^Subject: .*trams/ REJECT we do not take this\n")
    settings.EMAIL_EHLO_NAME = "courier"  # no dot: refused where the relay checks it
    relay.configure(**{name: value.format(dir=relay.dir) for name, value in changes.items()})
    send(edition)
    assert edition.status == Edition.PAUSED, edition.get_status_display()
    assert words in edition.pause_reason, edition.pause_reason
    assert not Suppression.objects.exists()
    relay.configure()  # put right
    settings.EMAIL_EHLO_NAME = "courier.example"
    schedule.resume(edition.pk)
    edition.refresh_from_db()
    assert edition.status == Edition.SENT
    wait_until_relayed(smtp, len(READERS), relay)
    assert sorted(r for m in smtp.received for r in m.recipients) == sorted(READERS)  # each exactly once
    assert not Suppression.objects.exists()


@pytest.mark.skipif(imap_server.available() is not None, reason=str(imap_server.available()))
def test_the_worker_reads_the_reports_from_the_bounce_mailbox_over_imap(smtp, relay, edition, settings):
    """The relay delivers its reports to a Maildir that Dovecot serves; the worker's minutely
    round reads them over IMAP, suppresses those readers, and deletes what it read."""
    mailbox = imap_server.Dovecot(relay.dir / "mail" / "bounces").start()
    try:
        settings.NEWSLETTER_BOUNCE_MAILBOX = mailbox.url
        smtp.behaviour.refuse_for_good = {"reader1@example.org", "reader11@example.org"}
        send(edition)
        wait_until_relayed(smtp, 10, relay)
        relay.reports(2)
        run_periodic_commands()
        assert sorted(Suppression.objects.values_list("email", flat=True)) == ["reader11@example.org", "reader1@example.org"]
        assert list((relay.dir / "mail" / "bounces" / "cur").glob("*")) == []  # read and deleted
        assert bounce_reports.process_mailbox() == []  # nothing read twice
    finally:
        mailbox.stop()


def copies_whose_end_and_next_envelope_come_to(remainder, count):
    """`count` messages sized so that each message's end and the next one's envelope, written
    together, come to `remainder` bytes more than a multiple of 4 KiB: Postfix's smtpd reads 4 KiB
    at a time, so with a remainder shorter than the envelope it answers the end and the envelope
    in two writes."""
    readers = [f"reader{n}@example.org" for n in range(10, 10 + count)]  # all the same length
    padding = 0
    connection = get_connection(fail_silently=False)
    connection.open()
    try:
        for _ in range(4):  # the envelope's SIZE grows with the padding: settle both
            message = EmailMessage("The Week", "x" * padding + "\n", "week@courier.example", [readers[0]])
            envelope, body = connection.prepared(message)
            padding += (remainder - len(envelope) - len(body)) % 4096
            padding %= 4096
    finally:
        connection.close()
    return [EmailMessage("The Week", "x" * padding + "\n", "week@courier.example", [to]) for to in readers]


def seconds_to_send(messages):
    connection = get_connection(fail_silently=False)
    started = time.monotonic()
    try:
        assert connection.send_run(messages) == [None] * len(messages)
    finally:
        connection.close()
    return time.monotonic() - started


def test_a_run_through_postfix_goes_as_fast_whatever_the_size_of_the_edition(smtp, relay):
    """An edition whose size makes Postfix answer one message's end apart from the next envelope
    goes as fast as any other: the sender acknowledges the first answer at once, so Postfix's
    second write (held by Nagle's algorithm until then) isn't left for the 40 ms delayed-ACK
    timer, once per copy."""
    count = 40
    seconds_to_send(copies_whose_end_and_next_envelope_come_to(2000, 2))  # Postfix's daemons started
    other_sizes = seconds_to_send(copies_whose_end_and_next_envelope_come_to(2000, count))
    split_answers = seconds_to_send(copies_whose_end_and_next_envelope_come_to(40, count))
    assert (split_answers - other_sizes) / count < 0.02, (split_answers, other_sizes)
    wait_until_relayed(smtp, 2 + 2 * count, relay)
