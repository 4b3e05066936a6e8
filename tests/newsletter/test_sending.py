"""Sending an edition to a real SMTP server: every reader once, with their own links and the
headers mail programs need; temporary failures retried, permanent ones suppressed."""

import re
from email.utils import parseaddr

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from samizdat.newsletter import deliveries, schedule
from samizdat.newsletter.outbox import RateLimit
from samizdat.newsletter.models import Delivery, Edition, EditionArticle, Subscription, Suppression
from tests.factories import make_article, make_image, make_section

from .conftest import subscribe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


@pytest.fixture
def edition(the_week):
    section = make_section("News")
    tram = make_article(section, "Council approves the tram line", standfirst="Kessel Quay gets its tram.",
                        image=make_image("Tram"), lead_image_caption="A tram on the old line")
    ferry = make_article(section, "Night ferry returns", standfirst="From March.")
    edition = Edition.objects.create(newsletter=the_week, subject="The Week: trams and ferries", preheader="Also: fish soup",
                                     intro="Good morning.\n\nA busy week at the harbour.")
    EditionArticle.objects.create(edition=edition, article=tram, sort_order=0)
    EditionArticle.objects.create(edition=edition, article=ferry, blurb="The editors' pick.", sort_order=1)
    return edition


# The pipelining backend (the default in these tests) and Django's own must behave alike.
BOTH_BACKENDS = pytest.mark.parametrize(
    "backend", ["samizdat.newsletter.smtp.EmailBackend", "django.core.mail.backends.smtp.EmailBackend"]
)


def send(edition):
    schedule.approve(edition, send_now=True)  # tasks run at once in the tests
    edition.refresh_from_db()
    return edition


def readers(newsletter, count, prefix="reader"):
    return subscribe(newsletter, *[f"{prefix}{n}@example.org" for n in range(count)])


@BOTH_BACKENDS
def test_each_subscriber_gets_the_edition_once_with_their_own_links(smtp, edition, the_week, settings, backend):
    settings.EMAIL_BACKEND = backend
    people = readers(the_week, 30)
    send(edition)
    assert edition.status == Edition.SENT and edition.sent_at is not None
    assert sorted(r for m in smtp.received for r in m.recipients) == sorted(p.email for p in people)
    unsubscribe_links = set()
    message_ids = set()
    for mail in smtp.received:
        message = mail.message
        [to] = mail.recipients
        assert parseaddr(message["To"])[1] == to
        assert message["Subject"] == "The Week: trams and ferries"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"] == "The Week <the-week.courier.example>"
        assert message["Reply-To"] == "letters@courier.example"
        link = re.fullmatch(r"<(https://courier\.example/newsletter/unsubscribe/[^>]+/)>", message["List-Unsubscribe"].strip()).group(1)
        unsubscribe_links.add(link)
        message_ids.add(message["Message-ID"])
        html, text = mail.part("text/html"), mail.part("text/plain")
        assert link in html and link in text
        assert "%%samizdat" not in html and "%%samizdat" not in text and "samizdat.invalid" not in mail.raw.decode()
    assert len(unsubscribe_links) == len(message_ids) == 30


@BOTH_BACKENDS
def test_each_sending_thread_keeps_one_connection_for_its_whole_batch(smtp, edition, the_week, settings, backend):
    settings.EMAIL_BACKEND = backend
    readers(the_week, 30)  # two batches of 25 and 5, two threads each
    send(edition)
    assert len(smtp.received) == 30
    # Not one a reader (30): at most one a thread, and each batch its own. A thread the pool finds
    # idle may take both halves of the small batch, so 3 is as right as 4.
    assert 2 <= smtp.handler.connections <= 4


def test_the_email_is_inlined_html_with_a_plain_text_part_and_nothing_third_party(smtp, edition, the_week):
    readers(the_week, 1)
    send(edition)
    [mail] = smtp.received
    soup = BeautifulSoup(mail.part("text/html"), "html.parser")
    assert "font-family" in soup.select_one("h2 a")["style"] or "color" in soup.select_one("h2 a")["style"]
    assert "@media" in str(soup.style)  # the phone layout stays as a rule
    [image] = soup.find_all("img")
    assert image["alt"] == "A tram on the old line"
    for url in [a["href"] for a in soup.find_all("a")] + [img["src"] for img in soup.find_all("img")]:
        assert url.startswith("https://courier.example/"), url  # no tracking pixel, no rewritten links
    assert "Also: fish soup" in soup.select_one(".preheader").get_text()
    text = mail.part("text/plain")
    assert "Council approves the tram line" in text and "The editors' pick." in text and "Kessel Quay gets its tram." in text
    assert text.index("Council approves") < text.index("Night ferry")
    assert "https://courier.example/news/council-approves-the-tram-line/" in text


def test_the_one_click_link_from_the_email_unsubscribes(smtp, edition, the_week):
    readers(the_week, 1)
    send(edition)
    link = smtp.received[0].message["List-Unsubscribe"].strip("<>")
    response = Client(enforce_csrf_checks=True).post(link.replace("https://courier.example", ""), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscription.objects.get().status == Subscription.UNSUBSCRIBED


def test_an_edition_is_sent_at_most_once(smtp, edition, the_week):
    readers(the_week, 3)
    send(edition)
    assert schedule.start_send(edition.pk) == 0
    with pytest.raises(schedule.SendingError):
        schedule.approve(edition, send_now=True)
    for batch in range(3):
        schedule.send_batch(edition.pk, batch)
    assert len(smtp.received) == 3


def test_only_confirmed_unsuppressed_subscribers_get_it(smtp, edition, the_week, breaking):
    subscribe(the_week, "yes@example.org")
    subscribe(the_week, "pending@example.org", status=Subscription.PENDING)
    subscribe(the_week, "left@example.org", status=Subscription.UNSUBSCRIBED)
    subscribe(the_week, "bounced@example.org")
    subscribe(breaking, "other-list@example.org")
    Suppression.objects.create(email="bounced@example.org", reason=Suppression.BOUNCED)
    send(edition)
    assert [m.recipients for m in smtp.received] == [["yes@example.org"]]


def test_an_address_suppressed_during_the_send_is_skipped_at_once(smtp, edition, the_week, settings):
    readers(the_week, 5)
    schedule.approve(edition, send_now=False)  # waits for its slot: deliveries not made yet
    edition.refresh_from_db()
    Edition.objects.filter(pk=edition.pk).update(scheduled_at=edition.created_at)
    schedule.start_send(edition.pk, enqueue=False)
    Suppression.objects.create(email="reader3@example.org", reason=Suppression.COMPLAINED)
    Subscription.objects.filter(subscriber__email="reader4@example.org").update(status=Subscription.UNSUBSCRIBED)
    schedule.send_batch(edition.pk, 0)
    assert sorted(r for m in smtp.received for r in m.recipients) == [f"reader{n}@example.org" for n in range(3)]
    assert Delivery.objects.filter(status=Delivery.SKIPPED).count() == 2
    assert Edition.objects.get(pk=edition.pk).status == Edition.SENT


@BOTH_BACKENDS
def test_a_temporary_refusal_is_retried_and_delivered(smtp, edition, the_week, settings, backend):
    settings.EMAIL_BACKEND = backend
    readers(the_week, 12)
    smtp.behaviour.try_later = {"reader3@example.org": 2, "reader7@example.org": 1}
    send(edition)
    assert len(smtp.to("reader3@example.org")) == 1 and len(smtp.to("reader7@example.org")) == 1
    assert len(smtp.received) == 12
    assert Delivery.objects.get(subscriber__email="reader3@example.org").attempts == 3
    assert edition.status == Edition.SENT
    assert not Suppression.objects.exists()


@BOTH_BACKENDS
def test_a_dropped_connection_is_retried_without_losing_or_doubling_anyone(smtp, edition, the_week, settings, backend):
    settings.EMAIL_BACKEND = backend
    readers(the_week, 40)
    smtp.behaviour.drop_after = 7
    send(edition)
    assert smtp.handler.dropped == 1
    delivered = sorted(r for m in smtp.received for r in m.recipients)
    assert delivered == sorted(f"reader{n}@example.org" for n in range(40))  # each exactly once
    assert Delivery.objects.filter(status=Delivery.SENT).count() == 40


@BOTH_BACKENDS
def test_a_permanent_refusal_suppresses_the_address_and_the_send_moves_on(smtp, edition, the_week, settings, backend, caplog):
    settings.EMAIL_BACKEND = backend
    readers(the_week, 10)
    smtp.behaviour.refuse_for_good = {"reader2@example.org"}
    send(edition)
    assert len(smtp.received) == 9
    failed = Delivery.objects.get(subscriber__email="reader2@example.org")
    assert failed.status == Delivery.FAILED and failed.attempts == 1 and "550" in failed.error
    suppression = Suppression.objects.get(email="reader2@example.org")
    assert suppression.reason == Suppression.BOUNCED
    assert edition.status == Edition.SENT
    assert "refused" in caplog.text and "reader2@example.org" not in caplog.text  # logs carry no addresses


def test_a_server_that_keeps_saying_later_is_given_up_on_after_the_last_attempt_and_a_person_is_asked(smtp, edition, the_week, settings):
    settings.NEWSLETTER_MAX_ATTEMPTS = 3
    readers(the_week, 2)
    smtp.behaviour.try_later = {"reader0@example.org": 99}
    send(edition)
    delivery = Delivery.objects.get(subscriber__email="reader0@example.org")
    assert delivery.status == Delivery.FAILED and delivery.attempts == 3
    assert not Suppression.objects.exists()  # a temporary failure is not the reader's fault
    # Never marked sent with a reader left without it: paused, saying so.
    assert edition.status == Edition.PAUSED and "1 reader(s) did not get this edition" in edition.pause_reason
    assert len(smtp.received) == 1
    smtp.behaviour.try_later = {"reader0@example.org": 1}  # the greylisting ends
    schedule.resume(edition.pk)  # the reader given up on gets their tries back
    edition.refresh_from_db()
    assert edition.status == Edition.SENT and len(smtp.to("reader0@example.org")) == 1


def test_an_editor_may_finish_a_send_without_the_readers_given_up_on(smtp, edition, the_week, settings):
    settings.NEWSLETTER_MAX_ATTEMPTS = 2
    readers(the_week, 2)
    smtp.behaviour.try_later = {"reader0@example.org": 99}
    send(edition)
    assert edition.status == Edition.PAUSED
    schedule.resume(edition.pk, refusals_are_real=True)
    edition.refresh_from_db()
    assert edition.status == Edition.SENT and len(smtp.received) == 1
    assert not Suppression.objects.exists()


@BOTH_BACKENDS
def test_an_international_address_is_sent_too(smtp, edition, the_week, settings, backend):
    settings.EMAIL_BACKEND = backend
    subscribe(the_week, "leser@bücher.example", "ascii@example.org")
    send(edition)
    recipients = sorted(r for m in smtp.received for r in m.recipients)
    assert recipients == ["ascii@example.org", "leser@xn--bcher-kva.example"]
    assert all("%%samizdat" not in m.part("text/html") for m in smtp.received)


def test_the_rate_limit_spaces_messages_out(smtp, edition, the_week, settings):
    limit = RateLimit(50)
    import time

    started = time.monotonic()
    for _ in range(11):
        limit.wait()
    assert time.monotonic() - started >= 0.19  # ten gaps of 20 ms


def test_the_local_mail_outbox_gets_the_same_messages(edition, the_week, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    readers(the_week, 3)
    send(edition)
    written = "".join(path.read_text() for path in (tmp_path / "mail").iterdir())
    assert written.count("Subject: The Week: trams and ferries") == 3
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in written
    assert "%%samizdat" not in written


def test_an_email_service_backend_gets_personalised_messages(edition, the_week, settings):
    from django.core import mail

    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.ANYMAIL = {}
    readers(the_week, 2)
    send(edition)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "%%samizdat" not in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/newsletter/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
        assert "%%samizdat" not in message.alternatives[0][0]


def test_the_worker_takes_up_a_send_nobody_is_working_on_and_leaves_a_moving_one_alone(smtp, edition, the_week):
    from datetime import timedelta

    from django.utils import timezone

    readers(the_week, 12)
    Edition.objects.filter(pk=edition.pk).update(status=Edition.APPROVED, scheduled_at=timezone.now())
    schedule.start_send(edition.pk, enqueue=False)  # recorded, as if its worker died before sending
    deliveries.claim(edition.pk, 0, "a sender at work")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Edition.objects.filter(pk=edition.pk).update(started_at=an_hour_ago)
    assert schedule.resume_stalled() == []  # it claimed something a moment ago
    assert smtp.received == []
    Delivery.objects.filter(edition=edition).update(claimed_at=an_hour_ago)  # ... and then fell silent
    assert schedule.resume_stalled() == [edition.pk]
    edition.refresh_from_db()
    assert edition.status == Edition.SENT
    assert sorted(r for m in smtp.received for r in m.recipients) == sorted(f"reader{n}@example.org" for n in range(12))
