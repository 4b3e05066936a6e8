"""Through Debian's Postfix as the newsroom's relay: what a real relay refuses, as it words it, pauses
the edition with nobody suppressed; a dead address the relay learns of later comes back as its
delivery-status report to the reader's return path, and suppresses that reader only."""

import io
import sys
import time

import pytest
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
