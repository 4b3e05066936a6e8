"""The email service's bounce webhook is closed by default: only the service the site sends through
answers, only with its secret, and `samizdat check` fails while the secret is missing."""

import base64
import hashlib
import hmac
import json

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from samizdat.newsletter.models import Subscription, Suppression

from .conftest import subscribe

pytestmark = pytest.mark.django_db

POSTMARK = "anymail.backends.postmark.EmailBackend"
# A hard bounce as Postmark posts it (postmarkapp.com/developer/webhooks/bounce-webhook).
POSTMARK_BOUNCE = {
    "RecordType": "Bounce", "MessageStream": "outbound", "ID": 4323372036854775807, "Type": "HardBounce",
    "TypeCode": 1, "Name": "Hard bounce", "Tag": "", "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "ServerID": 23, "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
    "Details": "Test bounce details", "Email": "victim@example.org", "From": "week@courier.example",
    "BouncedAt": "2026-11-20T10:00:00Z", "DumpAvailable": True, "Inactive": True, "CanActivate": True,
    "Subject": "The Week", "Content": "", "Metadata": {},
}


def post_bounce(client, service="postmark", auth=None):
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
    return client.post(f"/newsletter/webhooks/{service}/tracking/", json.dumps(POSTMARK_BOUNCE),
                       content_type="application/json", **headers)


def still_mailed(newsletter):
    subscription = Subscription.objects.get(subscriber__email="victim@example.org", newsletter=newsletter)
    return subscription.status == Subscription.ACTIVE and not Suppression.objects.exists()


@pytest.mark.parametrize("auth", [None, "hook:wrong", "someone:secret", ""])
def test_an_unauthenticated_bounce_changes_nothing(client, settings, the_week, auth):
    settings.EMAIL_BACKEND = POSTMARK
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:a-long-random-secret"}
    subscribe(the_week, "victim@example.org")
    response = post_bounce(client, auth=auth)
    assert response.status_code in (401, 403, 404)
    assert still_mailed(the_week)


def test_with_the_right_secret_the_bounce_suppresses_the_reader(client, settings, the_week):
    settings.EMAIL_BACKEND = POSTMARK
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:a-long-random-secret"}
    subscribe(the_week, "victim@example.org")
    assert post_bounce(client, auth="hook:a-long-random-secret").status_code == 200
    assert Suppression.objects.get().email == "victim@example.org"


MAILGUN_FAILURE = {"event": "failed", "severity": "permanent", "recipient": "victim@example.org",
                   "timestamp": 1764000000.0, "id": "event-1", "message": {"headers": {"message-id": "m1@courier.example"}}}


@pytest.mark.parametrize("reason, answer, suppressed", [
    ("bounce", "550 5.1.1 The email account that you tried to reach does not exist", True),
    ("generic", "550 5.7.26 Unauthenticated email from courier.example is not accepted due to DMARC", False),
    ("generic", "554 5.7.1 Message refused: DKIM signature did not verify", False),
])
def test_a_mailgun_bounce_suppresses_only_when_it_is_about_the_address(
        client, settings, the_week, reason, answer, suppressed):
    """A DMARC or DKIM refusal is a fault of the send: it must not cost the reader their newsletter."""
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    settings.ANYMAIL = {"MAILGUN_API_KEY": "key", "MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key", "WEBHOOK_SECRET": "hook:secret"}
    subscribe(the_week, "victim@example.org")
    event = {**MAILGUN_FAILURE, "reason": reason, "delivery-status": {"code": int(answer[:3]), "message": answer}}
    timestamp, token = "1764000000", "t" * 50
    signature = hmac.new(b"signing-key", (timestamp + token).encode(), hashlib.sha256).hexdigest()
    body = {"signature": {"timestamp": timestamp, "token": token, "signature": signature}, "event-data": event}
    response = client.post("/newsletter/webhooks/mailgun/tracking/", json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"hook:secret").decode())
    assert response.status_code == 200
    assert Suppression.objects.filter(email="victim@example.org").exists() is suppressed


def test_without_a_secret_the_webhook_is_closed(client, settings, the_week):
    settings.EMAIL_BACKEND = POSTMARK
    settings.ANYMAIL = {}
    subscribe(the_week, "victim@example.org")
    assert post_bounce(client).status_code == 404
    assert still_mailed(the_week)


@pytest.mark.parametrize("backend", [
    "django.core.mail.backends.filebased.EmailBackend",  # the default: no email service at all
    "samizdat.newsletter.smtp.EmailBackend",
    "anymail.backends.sparkpost.EmailBackend",  # another service
])
def test_only_the_service_the_site_sends_through_has_a_webhook(client, settings, the_week, backend):
    settings.EMAIL_BACKEND = backend
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:a-long-random-secret"}
    subscribe(the_week, "victim@example.org")
    assert post_bounce(client, auth="hook:a-long-random-secret").status_code == 404
    assert still_mailed(the_week)


def test_inbound_mail_webhooks_are_not_mounted(client, settings):
    settings.EMAIL_BACKEND = POSTMARK
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:a-long-random-secret"}
    auth = "Basic " + base64.b64encode(b"hook:a-long-random-secret").decode()
    response = client.post("/newsletter/webhooks/postmark/inbound/", "{}", content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert response.status_code == 404


def check_errors():
    try:
        call_command("check", verbosity=0)
    except SystemCheckError as error:
        return str(error)
    return ""


def test_check_fails_when_the_email_service_has_no_webhook_secret(settings):
    settings.EMAIL_BACKEND = POSTMARK
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "token"}
    errors = check_errors()
    assert "samizdat.newsletter.E001" in errors and "ANYMAIL_WEBHOOK_SECRET" in errors


def test_check_warns_when_the_bounce_address_goes_with_a_backend_that_ignores_it(settings):
    settings.NEWSLETTER_BOUNCE_ADDRESS = "bounces@courier.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    warnings = [m for m in run_checks() if m.id == "samizdat.newsletter.W001"]
    assert warnings and "return path" in warnings[0].msg
    settings.EMAIL_BACKEND = "samizdat.newsletter.smtp.EmailBackend"
    assert not [m for m in run_checks() if m.id == "samizdat.newsletter.W001"]


def test_check_fails_for_a_signing_service_without_its_key(settings):
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}  # (anymail takes MAILGUN_API_KEY as the key when given)
    assert "samizdat.newsletter.E001" in check_errors()
    settings.ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"] = "signing-key"
    assert "samizdat.newsletter.E001" not in check_errors()


@pytest.mark.parametrize("backend, anymail", [
    (POSTMARK, {"POSTMARK_SERVER_TOKEN": "token", "WEBHOOK_SECRET": "hook:a-long-random-secret"}),
    ("django.core.mail.backends.filebased.EmailBackend", {}),
    ("anymail.backends.test.EmailBackend", {}),  # anymail's own test backend takes no events
])
def test_check_passes_with_a_secret_or_without_an_email_service(settings, backend, anymail):
    settings.EMAIL_BACKEND, settings.ANYMAIL = backend, anymail
    assert "samizdat.newsletter.E001" not in check_errors()
