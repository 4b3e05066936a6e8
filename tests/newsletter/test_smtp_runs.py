"""A run of messages on one connection (the outbox's `send_run`): the end of one message and the
envelope of the next go together, and each message's own answer still comes back to it."""

import smtplib

import pytest
from django.core.mail import EmailMessage, get_connection


def letters(*recipients):
    return [EmailMessage(f"To {to}", f"Hello {to}\n.a line starting with a dot\n", "week@courier.example", [to]) for to in recipients]


def send_each(messages):
    connection = get_connection(fail_silently=False)
    try:
        return connection.send_run(messages)
    finally:
        connection.close()


def test_each_message_gets_its_own_answer_in_a_run(smtp):
    smtp.behaviour.refuse_for_good = {"gone@example.org"}
    smtp.behaviour.try_later = {"busy@example.org": 1}
    smtp.behaviour.refuse_content = {"strict@example.org"}
    people = ["a@example.org", "gone@example.org", "busy@example.org", "b@example.org", "strict@example.org", "c@example.org"]
    results = send_each(letters(*people))
    assert len(results) == 6
    assert [type(result).__name__ if result else None for result in results] == [
        None, "SMTPRecipientsRefused", "SMTPRecipientsRefused", None, "SMTPDataError", None,
    ]
    assert [code for code, _ in results[1].recipients.values()] == [550]
    assert [code for code, _ in results[2].recipients.values()] == [451]
    assert results[4].smtp_code == 554
    assert [m.recipients for m in smtp.received] == [["a@example.org"], ["b@example.org"], ["c@example.org"]]
    # Content arrives whole, dots and all, for every message of the run.
    for mail in smtp.received:
        to = mail.recipients[0]
        assert mail.message["Subject"] == f"To {to}"
        assert mail.part("text/plain").splitlines() == [f"Hello {to}", ".a line starting with a dot"]


def test_a_run_stops_at_a_lost_connection_and_says_which_messages_were_in_flight(smtp):
    smtp.behaviour.drop_after = 3
    results = send_each(letters(*[f"r{n}@example.org" for n in range(6)]))
    # The first two were answered; the third was in flight (its end went with the fourth's
    # envelope), so both get the error and the caller sends them again on a new connection.
    assert results[:2] == [None, None]
    assert len(results) == 4
    assert all(isinstance(result, (smtplib.SMTPServerDisconnected, OSError)) for result in results[2:])
    assert [m.recipients for m in smtp.received] == [["r0@example.org"], ["r1@example.org"]]


def test_a_server_that_is_not_there_fails_the_first_message_only(settings):
    from .smtp import free_port

    settings.EMAIL_BACKEND = "samizdat.newsletter.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    results = send_each(letters("a@example.org", "b@example.org"))
    assert len(results) == 1 and isinstance(results[0], OSError)


def test_the_site_s_other_email_goes_through_djangos_send_messages_with_the_same_answers(smtp):
    """Confirmations, receipts and tests go through `send_messages`, as with Django's backend:
    the number sent, a refusal raised, or only counted when failing silently."""
    assert get_connection(fail_silently=False).send_messages(letters("a@example.org", "b@example.org")) == 2
    smtp.behaviour.refuse_for_good = {"gone@example.org"}
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        get_connection(fail_silently=False).send_messages(letters("gone@example.org"))
    assert get_connection(fail_silently=True).send_messages(letters("gone@example.org", "c@example.org")) == 1
    assert [m.recipients for m in smtp.received] == [["a@example.org"], ["b@example.org"], ["c@example.org"]]
