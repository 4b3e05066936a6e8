"""A fault of the send is never the readers' fault: a wrong password, a refused sender, greeting or
content, a server that is down or keeps dropping the connection, or a wave of refusals each pause
the edition with nobody suppressed; fixed and resumed, every reader gets it exactly once. Only a
refusal of one address (5.1.x, 5.2.x) suppresses that one reader."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from samizdat.newsletter import deliveries, schedule
from samizdat.newsletter.models import Delivery, Edition, EditionArticle, Suppression
from tests.factories import make_article, make_section

from .conftest import subscribe
from .smtp import free_port

pytestmark = pytest.mark.django_db

READERS = [f"reader{n}@example.org" for n in range(24)]


@pytest.fixture
def edition(the_week):
    story = make_article(make_section("News"), "Council approves the tram line", standfirst="Kessel Quay gets its tram.")
    edition = Edition.objects.create(newsletter=the_week, subject="The Week: trams", intro="Доброе утро, and good morning.")
    EditionArticle.objects.create(edition=edition, article=story, sort_order=0)
    subscribe(the_week, *READERS)
    return edition


def send(edition):
    schedule.approve(edition, send_now=True)  # tasks run at once in the tests
    edition.refresh_from_db()
    return edition


def send_here(edition, progress=None):
    """Approved for now and sent in this process, batch by batch, `progress` called with each
    delivery recorded (where a test changes the world mid-send)."""
    Edition.objects.filter(pk=edition.pk).update(status=Edition.APPROVED, scheduled_at=edition.created_at)
    schedule.start_send(edition.pk, enqueue=False)
    for batch in deliveries.unfinished_batches(edition.pk):
        schedule.send_batch(edition.pk, batch, progress=progress)


def delivered(smtp):
    return sorted(r for m in smtp.received for r in m.recipients)


def assert_paused_and_nobody_lost(edition, *words):
    edition.refresh_from_db()
    assert edition.status == Edition.PAUSED, edition.get_status_display()
    assert not Suppression.objects.exists()
    assert not Delivery.objects.filter(edition=edition, status=Delivery.FAILED).exists()
    assert edition.sent_at is None
    for word in words:
        assert word in edition.pause_reason, edition.pause_reason
    assert "@example.org" not in edition.pause_reason  # the admin shows no reader's address


def resume_and_check_everyone_got_it_once(edition, smtp, **options):
    schedule.resume(edition.pk, **options)
    edition.refresh_from_db()
    assert edition.status == Edition.SENT
    assert delivered(smtp) == sorted(READERS)  # each exactly once, whatever went before


FAULTS = {
    # name: (how the server misbehaves, how it is put right, words the editor reads)
    "wrong password": (
        lambda smtp, settings: setattr(smtp.behaviour, "password", "right"),
        lambda smtp, settings: setattr(settings, "EMAIL_HOST_PASSWORD", "right"),
        ["login", "535", "EMAIL_HOST_PASSWORD"],
    ),
    "missing credentials": (
        lambda smtp, settings: (setattr(smtp.behaviour, "password", "right"), setattr(settings, "EMAIL_HOST_USER", "")),
        lambda smtp, settings: (setattr(settings, "EMAIL_HOST_USER", "samizdat"), setattr(settings, "EMAIL_HOST_PASSWORD", "right")),
        ["log in", "530", "EMAIL_HOST_USER"],
    ),
    "sender refused at MAIL FROM": (
        lambda smtp, settings: setattr(smtp.behaviour, "refuse_sender", "554 5.7.1 Sender address rejected: not owned by user"),
        lambda smtp, settings: setattr(smtp.behaviour, "refuse_sender", None),
        ["sender address", "554 5.7.1"],
    ),
    "sender refused at RCPT": (
        lambda smtp, settings: setattr(
            smtp.behaviour, "refuse_every_recipient", "554 5.7.1 <week@courier.example>: Sender address rejected: Access denied"
        ),
        lambda smtp, settings: setattr(smtp.behaviour, "refuse_every_recipient", None),
        ["sender address", "554 5.7.1"],
    ),
    "relaying denied": (
        lambda smtp, settings: setattr(smtp.behaviour, "refuse_every_recipient", "554 5.7.1 <reader0@example.org>: Relay access denied"),
        lambda smtp, settings: setattr(smtp.behaviour, "refuse_every_recipient", None),
        ["policy", "Relay access denied"],
    ),
    "greeting refused at RCPT": (
        lambda smtp, settings: setattr(smtp.behaviour, "helo_names", {"mail.courier.example"}),
        lambda smtp, settings: setattr(settings, "EMAIL_EHLO_NAME", "mail.courier.example"),
        ["504 5.5.2", "EMAIL_EHLO_NAME"],
    ),
    "content refused after DATA": (
        lambda smtp, settings: setattr(smtp.behaviour, "refuse_every_content", "554 5.7.1 Message refused as spam"),
        lambda smtp, settings: setattr(smtp.behaviour, "refuse_every_content", None),
        ["content", "554 5.7.1 Message refused as spam"],
    ),
    "connection dropped on every try": (
        lambda smtp, settings: setattr(smtp.behaviour, "drop_every_data", True),
        lambda smtp, settings: setattr(smtp.behaviour, "drop_every_data", False),
        ["connection", "EMAIL_HOST"],
    ),
    "no server listening": (
        lambda smtp, settings: setattr(settings, "EMAIL_PORT", free_port()),
        lambda smtp, settings: setattr(settings, "EMAIL_PORT", smtp.port),
        ["connection", "ConnectionRefusedError"],
    ),
}

BOTH_BACKENDS = pytest.mark.parametrize(
    "backend", ["samizdat.newsletter.smtp.EmailBackend", "django.core.mail.backends.smtp.EmailBackend"]
)


@pytest.mark.parametrize("fault", FAULTS)
def test_a_fault_of_the_send_pauses_it_suppressing_nobody_and_resumed_it_reaches_everyone_once(smtp, edition, settings, fault):
    break_it, fix_it, words = FAULTS[fault]
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "samizdat", "wrong"
    if fault != "wrong password" and fault != "missing credentials":
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    break_it(smtp, settings)
    send(edition)
    assert_paused_and_nobody_lost(edition, *words)
    assert delivered(smtp) == []
    assert Delivery.objects.filter(edition=edition, status=Delivery.PENDING).count() == len(READERS)
    fix_it(smtp, settings)
    resume_and_check_everyone_got_it_once(edition, smtp)
    assert not Suppression.objects.exists()


@BOTH_BACKENDS
def test_a_wrong_password_costs_one_refused_login_not_one_per_reader(smtp, edition, settings, backend):
    settings.EMAIL_BACKEND = backend
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "samizdat", "wrong"
    settings.NEWSLETTER_CONCURRENCY = 1
    smtp.behaviour.password = "right"
    send(edition)
    assert_paused_and_nobody_lost(edition, "535")
    assert smtp.handler.connections == 1  # (smtplib tries each mechanism offered, PLAIN and LOGIN, on it)


def test_one_dead_address_is_that_readers_bounce_and_the_send_goes_on(smtp, edition):
    smtp.behaviour.refuse_for_good = {"reader5@example.org"}
    send(edition)
    assert edition.status == Edition.SENT
    assert list(Suppression.objects.values_list("email", flat=True)) == ["reader5@example.org"]
    assert len(smtp.received) == len(READERS) - 1


def test_a_refusal_without_a_status_saying_whose_fault_fails_that_delivery_without_suppressing(smtp, edition):
    smtp.behaviour.try_later = {}
    smtp.behaviour.refuse_for_good = set()
    smtp.handler.behaviour.refuse_every_recipient = None
    # One old-style "550" with no enhanced status: not known to be the address's fault.
    original = smtp.handler.handle_RCPT

    async def refuse_one(server, session, envelope, address, options):
        if address == "reader7@example.org":
            return "550 Requested action not taken"
        return await original(server, session, envelope, address, options)

    smtp.handler.handle_RCPT = refuse_one
    send(edition)
    assert edition.status == Edition.SENT
    assert Delivery.objects.get(subscriber__email="reader7@example.org").status == Delivery.FAILED
    assert not Suppression.objects.exists()


@pytest.mark.parametrize("answer", ["550 5.1.1 User unknown in local recipient table", "550 Relay not permitted"])
def test_a_wave_of_refusals_pauses_the_send_before_suppressing_that_chunk(smtp, edition, answer):
    """A relay that believes every address is local says 5.1.1 for all of them: the breaker stops
    it at the first chunk, and those readers are not suppressed."""
    smtp.behaviour.refuse_every_recipient = answer
    send(edition)
    assert_paused_and_nobody_lost(edition, "were refused", "5%")
    assert delivered(smtp) == []
    smtp.behaviour.refuse_every_recipient = None
    resume_and_check_everyone_got_it_once(edition, smtp)


def test_refusals_an_editor_says_are_real_are_suppressed_on_resume(smtp, edition):
    dead = {f"reader{n}@example.org" for n in range(4)}  # all in the first chunk of ten
    smtp.behaviour.refuse_for_good = dead
    send(edition)
    assert_paused_and_nobody_lost(edition, "4 of 10")
    schedule.resume(edition.pk, refusals_are_real=True)
    edition.refresh_from_db()
    assert edition.status == Edition.SENT
    assert set(Suppression.objects.values_list("email", flat=True)) == dead
    assert delivered(smtp) == sorted(set(READERS) - dead)


def test_an_edition_nobody_received_is_not_marked_sent(smtp, the_week):
    from samizdat.newsletter.models import Subscriber, Subscription

    Subscription.objects.all().delete()
    Subscriber.objects.all().delete()
    subscribe(the_week, "only@example.org")
    edition = Edition.objects.create(newsletter=the_week, subject="Tiny", intro="Hello.")
    smtp.behaviour.refuse_for_good = {"only@example.org"}
    send(edition)
    assert edition.status == Edition.PAUSED and "Nobody received" in edition.pause_reason


def test_pause_takes_effect_within_a_chunk_and_resume_sends_exactly_those_left(smtp, edition, settings):
    calls = []

    def pause_after_first_chunk(delivery_id):
        calls.append(delivery_id)
        if len(calls) == 1:
            call_command("newsletter", "pause", str(edition.pk), stdout=open("/dev/null", "w"))

    send_here(edition, progress=pause_after_first_chunk)
    edition.refresh_from_db()
    assert edition.status == Edition.PAUSED
    assert len(smtp.received) == settings.NEWSLETTER_CHUNK_SIZE  # the chunk on the wire, no more
    assert not Delivery.objects.filter(edition=edition, status=Delivery.SENDING).exists()  # claimed ahead, given back
    assert set(Delivery.objects.filter(edition=edition, status=Delivery.PENDING).values_list("attempts", flat=True)) == {0}
    call_command("newsletter", "resume", str(edition.pk), stdout=open("/dev/null", "w"))
    edition.refresh_from_db()
    assert edition.status == Edition.SENT
    assert delivered(smtp) == sorted(READERS)


def test_cancel_stops_the_send_and_keeps_the_record_of_who_got_it(smtp, edition, settings):
    def cancel_after_first_chunk(delivery_id, calls=[]):
        calls.append(delivery_id)
        if len(calls) == 1:
            call_command("newsletter", "cancel", str(edition.pk), stdout=open("/dev/null", "w"))

    send_here(edition, progress=cancel_after_first_chunk)
    edition.refresh_from_db()
    assert edition.status == Edition.CANCELLED
    got_it = set(Delivery.objects.filter(edition=edition, status=Delivery.SENT).values_list("subscriber__email", flat=True))
    assert got_it == set(delivered(smtp)) and len(got_it) == settings.NEWSLETTER_CHUNK_SIZE
    assert Delivery.objects.filter(edition=edition, status=Delivery.CANCELLED).count() == len(READERS) - len(got_it)
    with pytest.raises(CommandError, match="paused or sending"):
        call_command("newsletter", "resume", str(edition.pk))
    assert Client().get(edition.get_absolute_url()).status_code == 404  # not in the web archive


def test_the_command_line_says_why_a_paused_edition_stopped(smtp, edition, capsys):
    smtp.behaviour.refuse_sender = "554 5.7.1 Sender address rejected"
    with pytest.raises(CommandError, match="paused.*sender address"):
        call_command("newsletter", "send", str(edition.pk), "--approve")
    with pytest.raises(CommandError, match="resume"):
        call_command("newsletter", "send", str(edition.pk))


def test_the_editor_pauses_resumes_and_cancels_from_the_admin(smtp, edition, client, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", "editor@courier.example", "pw")
    client.force_login(editor)
    smtp.behaviour.refuse_sender = "554 5.7.1 Sender address rejected"
    send(edition)
    page = client.get(f"/admin/newsletter/editions/{edition.pk}/").content.decode()
    assert "Paused" in page and "Sender address rejected" in page and 'value="resume"' in page
    dashboard = client.get("/admin/").content.decode()
    assert "The Week: trams" in dashboard and "paused" in dashboard.lower()
    smtp.behaviour.refuse_sender = None
    response = client.post(f"/admin/newsletter/editions/{edition.pk}/action/", {"action": "resume"})
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.status == Edition.SENT and delivered(smtp) == sorted(READERS)


def test_headers_follow_the_rfcs_with_a_newsletter_name_that_is_not_ascii(smtp, edition, the_week, settings):
    the_week.name = "Неделя"
    the_week.save()
    send(edition)
    mail = smtp.received[0]
    raw_headers = mail.raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    [list_id] = [line for line in raw_headers.splitlines() if line.startswith("List-Id:")]
    assert list_id.endswith(" <the-week.courier.example>") and "=?utf-8?" in list_id  # RFC 2919: the id stays plain
    assert str(mail.message["List-Id"]) == "Неделя <the-week.courier.example>"
    [date] = [line for line in raw_headers.splitlines() if line.startswith("Date:")]
    assert date.endswith("+0000")
    assert "BODY=8BITMIME" in mail.mail_options  # the intro is Cyrillic, sent as 8-bit
    assert mail.helo == "courier.example"  # the site's host name, not the machine's


def test_the_greeting_name_is_a_setting(smtp, edition, settings):
    settings.EMAIL_EHLO_NAME = "mail.courier.example"
    send(edition)
    assert {mail.helo for mail in smtp.received} == {"mail.courier.example"}


def test_the_staff_are_told_by_email_when_a_send_pauses_itself(smtp, edition, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@courier.example", "pw")
    django_user_model.objects.create_user("reader-account", "someone@courier.example", "pw")  # not staff
    smtp.behaviour.refuse_for_good = {f"reader{n}@example.org" for n in range(4)}
    send(edition)
    assert edition.status == Edition.PAUSED
    [mail] = smtp.to("editor@courier.example")
    assert mail.recipients == ["editor@courier.example"]
    assert "paused" in mail.message["Subject"] and "The Week: trams" in mail.message["Subject"]
    body = mail.message.get_content()
    assert f"/admin/newsletter/editions/{edition.pk}/" in body and "@example.org" not in body


@pytest.mark.parametrize("answer, words", [
    ("554 5.7.1 Sender address rejected", ["sender address"]),
    # A relay whose disk filled halfway: "try later" to every MAIL FROM is the send's fault, not
    # the readers'; it must not end as "sent" with half the list given up on.
    ("452 4.3.1 Insufficient system storage", ["452 4.3.1 Insufficient system storage", "try again later"]),
])
def test_a_fault_halfway_through_pauses_and_resume_sends_only_to_those_left(smtp, edition, settings, answer, words):
    settings.NEWSLETTER_CONCURRENCY = 1
    settings.NEWSLETTER_MAX_ATTEMPTS = 3
    done = []

    def fault_after_first_chunk(delivery_id):
        done.append(delivery_id)
        if len(done) == settings.NEWSLETTER_CHUNK_SIZE:
            smtp.behaviour.refuse_sender = answer

    send_here(edition, progress=fault_after_first_chunk)
    assert_paused_and_nobody_lost(edition, *words)
    assert len(smtp.received) == settings.NEWSLETTER_CHUNK_SIZE
    smtp.behaviour.refuse_sender = None
    resume_and_check_everyone_got_it_once(edition, smtp)


def test_a_refusal_of_the_senders_domain_at_rcpt_is_not_the_readers_bounce(smtp, edition):
    smtp.behaviour.refuse_every_recipient = "550 5.1.8 <week@courier.example>: Sender address rejected: Domain not found"
    send(edition)
    assert_paused_and_nobody_lost(edition, "sender address")


def test_cancelling_while_a_chunk_is_on_the_wire_leaves_nobody_waiting(smtp, edition, settings, monkeypatch):
    from samizdat.newsletter.outbox import Outbox

    settings.NEWSLETTER_CONCURRENCY = 1  # the chunk is sent on this thread, with this database connection
    smtp.behaviour.try_later = {"reader1@example.org": 99}  # answered "later" in the first chunk
    send_each = Outbox.send_each

    def cancelled_meanwhile(self, messages):
        schedule.cancel(edition.pk)  # an editor presses Cancel while this chunk is being sent
        return send_each(self, messages)

    monkeypatch.setattr(Outbox, "send_each", cancelled_meanwhile)
    Edition.objects.filter(pk=edition.pk).update(status=Edition.APPROVED, scheduled_at=edition.created_at)
    schedule.start_send(edition.pk, enqueue=False)
    schedule.send_batch(edition.pk, 0)
    edition.refresh_from_db()
    assert edition.status == Edition.CANCELLED
    assert len(smtp.received) == settings.NEWSLETTER_CHUNK_SIZE - 1  # that chunk went, no more
    assert deliveries.progress_of(edition)["waiting"] == 0  # reader1's "later" did not put them back in line
    assert Delivery.objects.get(subscriber__email="reader1@example.org").status == Delivery.CANCELLED
