"""Bounces that arrive later: behind a relay a dead address is only known when the relay's report
(RFC 3464) comes back to the reader's own return path. A report suppresses that reader alone; a
forged one, an auto-reply or a message that isn't ours changes nothing."""

import io
import sys

import pytest
from django.core.management import call_command

from samizdat.newsletter import bounce_reports, return_paths
from samizdat.newsletter.models import Delivery, Edition, EditionArticle, Suppression
from tests.factories import make_article, make_section

from .conftest import subscribe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]

READERS = [f"reader{n}@example.org" for n in range(6)]


@pytest.fixture(autouse=True)
def bounce_address(settings):
    settings.NEWSLETTER_BOUNCE_ADDRESS = "bounces@courier.example"


@pytest.fixture
def sent(smtp, the_week):
    """An edition sent to six readers through a relay that accepted every one."""
    story = make_article(make_section("News"), "Council approves the tram line")
    edition = Edition.objects.create(newsletter=the_week, subject="The Week", intro="Hello.")
    EditionArticle.objects.create(edition=edition, article=story, sort_order=0)
    subscribe(the_week, *READERS)
    from samizdat.newsletter import schedule

    schedule.approve(edition, send_now=True)
    edition.refresh_from_db()
    assert edition.status == Edition.SENT and len(smtp.received) == len(READERS)
    return edition


def return_path_of(smtp, address):
    [mail] = smtp.to(address)
    return mail.sender


def report(to, original_recipient, action="failed", status="5.1.1", diagnostic="550 5.1.1 <{r}>: Recipient address rejected: User unknown"):
    """A delivery-status notification as Postfix writes one (RFC 3464), to `to`."""
    diagnostic = diagnostic.format(r=original_recipient)
    return f"""Return-Path: <>
Delivered-To: {to}
From: MAILER-DAEMON@relay.courier.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {to}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host relay.courier.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--B
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.courier.example
Arrival-Date: Fri,  4 Dec 2026 09:00:01 +0000

Final-Recipient: rfc822; {original_recipient}
Original-Recipient: rfc822;{original_recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; {diagnostic}

--B
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Subject: The Week
From: The Week <week@courier.example>

--B--
""".replace("\n", "\r\n").encode()


def test_each_reader_gets_a_return_path_of_their_own_and_the_from_address_stays(smtp, sent):
    paths = {address: return_path_of(smtp, address) for address in READERS}
    assert len(set(paths.values())) == len(READERS)
    for address, path in paths.items():
        assert path.startswith("bounces+") and path.endswith("@courier.example"), path
        delivery = Delivery.objects.get(edition=sent, subscriber__email=address)
        assert return_paths.delivery_of(path) == delivery.pk
    assert {m.message["From"].addresses[0].addr_spec for m in smtp.received} == {"week@courier.example"}


def test_a_report_that_comes_back_later_suppresses_that_reader_only(smtp, sent):
    path = return_path_of(smtp, "reader3@example.org")
    outcome = bounce_reports.process_report(report(path, "reader3@example.org"))
    assert outcome.kind == bounce_reports.HARD and outcome.status == "5.1.1"
    assert list(Suppression.objects.values_list("email", flat=True)) == ["reader3@example.org"]
    delivery = Delivery.objects.get(subscriber__email="reader3@example.org")
    assert delivery.status == Delivery.FAILED and delivery.bounce == Delivery.HARD_BOUNCE and "5.1.1" in delivery.error


def test_a_report_through_the_mail_servers_pipe(smtp, sent, monkeypatch, capsys):
    path = return_path_of(smtp, "reader1@example.org")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(report(path, "reader1@example.org"))))
    call_command("newsletter", "bounce", "--recipient", path)
    assert "hard bounce" in capsys.readouterr().out
    assert Suppression.objects.filter(email="reader1@example.org").exists()


@pytest.mark.parametrize("raw", [b"", b"\x00\xff garbage", b"Subject: hi\r\n\r\nnot a report"])
def test_the_pipe_accepts_what_it_cant_read_so_the_mail_server_does_not_bounce_the_bounce(sent, monkeypatch, capsys, raw):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    call_command("newsletter", "bounce")  # no SystemExit: exit status 0
    assert "not one of ours" in capsys.readouterr().out
    assert not Suppression.objects.exists()


def test_a_forged_or_foreign_report_suppresses_nobody(smtp, sent):
    path = return_path_of(smtp, "reader2@example.org")
    delivery_id = return_paths.delivery_of(path)
    forged = f"bounces+{delivery_id}-0123456789abcdef@courier.example"
    assert bounce_reports.process_report(report(forged, "reader2@example.org")).kind == bounce_reports.NOT_OURS
    # A report to the newsroom's From address names no delivery: not ours to act on.
    assert bounce_reports.process_report(report("week@courier.example", "reader2@example.org")).kind == bounce_reports.NOT_OURS
    assert not Suppression.objects.exists()


def test_an_auto_reply_to_the_return_path_changes_nothing(smtp, sent):
    path = return_path_of(smtp, "reader4@example.org")
    reply = f"To: {path}\r\nFrom: reader4@example.org\r\nSubject: Out of office\r\n\r\nI am away until Monday.\r\n".encode()
    assert bounce_reports.process_report(reply).kind == bounce_reports.NOT_A_REPORT
    assert not Suppression.objects.exists()


def test_delays_suppress_a_reader_only_after_several_editions(smtp, the_week, settings):
    settings.NEWSLETTER_SOFT_BOUNCE_LIMIT = 3
    from samizdat.newsletter import schedule

    subscribe(the_week, *READERS)
    story = make_article(make_section("News"), "Council approves the tram line")
    for week in range(3):
        smtp.received.clear()
        edition = Edition.objects.create(newsletter=the_week, subject=f"Week {week}", intro="Hello.")
        EditionArticle.objects.create(edition=edition, article=story, sort_order=0)
        schedule.approve(edition, send_now=True)
        path = return_path_of(smtp, "reader0@example.org")
        delayed = report(path, "reader0@example.org", action="delayed", status="4.4.1", diagnostic="connect to mx: Connection timed out")
        for _ in range(2):  # the relay warns more than once about the same message
            assert bounce_reports.process_report(delayed).kind == bounce_reports.SOFT
        suppressed = Suppression.objects.filter(email="reader0@example.org").exists()
        assert suppressed == (week == 2), week


def test_without_a_bounce_address_the_from_address_is_the_return_path(smtp, sent, settings):
    settings.NEWSLETTER_BOUNCE_ADDRESS = ""
    smtp.received.clear()
    from samizdat.newsletter import schedule

    edition = Edition.objects.create(newsletter=sent.newsletter, subject="Again", intro="Hello.")
    schedule.approve(edition, send_now=True)
    assert {m.sender for m in smtp.received} == {"week@courier.example"}


def test_an_edition_delivered_between_delays_starts_the_count_again(smtp, the_week, settings):
    settings.NEWSLETTER_SOFT_BOUNCE_LIMIT = 2
    from samizdat.newsletter import schedule

    subscribe(the_week, *READERS)
    story = make_article(make_section("News"), "Council approves the tram line")
    for week, delayed in enumerate([True, False, True]):
        smtp.received.clear()
        edition = Edition.objects.create(newsletter=the_week, subject=f"Week {week}", intro="Hello.")
        EditionArticle.objects.create(edition=edition, article=story, sort_order=0)
        schedule.approve(edition, send_now=True)
        if delayed:
            path = return_path_of(smtp, "reader0@example.org")
            report_ = report(path, "reader0@example.org", action="delayed", status="4.4.1", diagnostic="Connection timed out")
            assert bounce_reports.process_report(report_).kind == bounce_reports.SOFT
    assert not Suppression.objects.exists()  # two delays, but not in a row
