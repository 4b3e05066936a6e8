"""What each error an email backend raises means for the readers: the answers real servers and
email services give, each read as one reader's bounce, a reason to try again, or a fault of the
send. Order matters in this reading: django-anymail's errors are also ValueErrors and OSErrors."""

import smtplib

import pytest
import requests
from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailRecipientsRefused,
    AnymailRequestsAPIError,
    AnymailUnsupportedFeature,
)

from samizdat.newsletter.failures import BOUNCE, EDITION, TEMPORARY, UNDELIVERED, classify


def network_error():
    try:
        try:
            raise requests.ConnectionError("connection refused")
        except requests.ConnectionError as cause:
            raise AnymailRequestsAPIError("could not reach the service") from cause
    except AnymailRequestsAPIError as error:
        return error


CASES = [
    (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"5.1.1 No such user here")}), BOUNCE),
    (smtplib.SMTPRecipientsRefused({"a@example.org": (552, b"5.2.2 Mailbox full")}), BOUNCE),
    (smtplib.SMTPRecipientsRefused({"a@example.org": (451, b"4.7.1 Greylisted")}), TEMPORARY),
    (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"Requested action not taken")}), UNDELIVERED),
    (smtplib.SMTPRecipientsRefused({"a@example.org": (554, b"5.7.1 Relay access denied")}), EDITION),
    (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"5.1.8 <w@c.example>: Sender address rejected: Domain not found")}), EDITION),
    (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"4.1.8 <w@c.example>: Sender address rejected: Domain not found")}), TEMPORARY),
    (smtplib.SMTPSenderRefused(554, b"5.7.1 Sender rejected", "w@c.example"), EDITION),
    (smtplib.SMTPSenderRefused(452, b"4.3.1 Insufficient system storage", "w@c.example"), TEMPORARY),
    (smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid"), EDITION),
    (smtplib.SMTPDataError(554, b"5.7.1 spam"), EDITION),
    (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), TEMPORARY),
    (ConnectionRefusedError(111, "Connection refused"), TEMPORARY),
    (smtplib.SMTPException("No suitable authentication method found."), EDITION),
    (PermissionError(13, "Permission denied: the DKIM key"), EDITION),
    (AnymailRecipientsRefused("all recipients refused"), BOUNCE),
    (AnymailAPIError("unauthorized", status_code=401), EDITION),
    (AnymailAPIError("sender domain not verified", status_code=422), EDITION),
    (AnymailAPIError("service unavailable", status_code=503), TEMPORARY),
    (AnymailUnsupportedFeature("envelope_sender is not supported"), EDITION),
    (AnymailConfigurationError("missing server token"), EDITION),
    (network_error(), TEMPORARY),
    (ValueError("Invalid address"), UNDELIVERED),
]


@pytest.mark.parametrize("error, kind", CASES, ids=[f"{type(e).__name__}-{n}" for n, (e, _) in enumerate(CASES)])
def test_each_error_means_what_it_says(error, kind):
    failure = classify(error)
    assert failure.kind == kind, failure
    if kind == EDITION:
        assert failure.explanation  # the editor is told what to check


def test_the_return_path_is_not_given_to_an_email_service(settings, db):
    """django-anymail's services refuse `envelope_sender`; the return path is for SMTP."""
    from django.core import mail

    from samizdat.newsletter.messages import EditionMessages
    from samizdat.newsletter.models import Edition, Newsletter

    settings.NEWSLETTER_BOUNCE_ADDRESS = "bounces@courier.example"
    newsletter = Newsletter.objects.create(name="The Week", slug="the-week", from_email="week@courier.example")
    edition = Edition.objects.create(newsletter=newsletter, subject="Hello")
    message = EditionMessages(edition, "Hello", "<p>Hi</p>", "Hi").for_reader("a@example.org", 7, 1)
    assert message.return_path.startswith("bounces+7-")
    assert getattr(message, "envelope_sender", None) is None
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.ANYMAIL = {}
    mail.get_connection().send_messages([message])
    assert mail.outbox[0].envelope_sender is None if hasattr(mail.outbox[0], "envelope_sender") else True
