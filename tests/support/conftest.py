"""Shared pieces for reader revenue's tests: a real SMTP server on 127.0.0.1, the test provider
switched on, and a reader's donate form as a browser without JavaScript would send it."""

import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import User

from samizdat.core.models import for_default_site
from samizdat.support.models import support_settings
from samizdat.support.providers.test.models import TestPaymentSettings


class Inbox:
    """Every message the SMTP server received, parsed."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m["To"]]

    @staticmethod
    def text(message):
        return message.get_body(preferencelist=("plain",)).get_content()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1; the site's email goes to it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


def staff_set(setting, **fields):
    """Change a site setting as staff do under Settings (a provider's, say), and save it."""
    row = for_default_site(setting)
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


@pytest.fixture
def staff(client, db):
    """A client signed in to the admin as the editor-in-chief (a superuser)."""
    client.force_login(User.objects.create_superuser("chief", "chief@example.org", "pw-chief-123"))
    return client


@pytest.fixture
def test_payments(db, settings):
    """Test payments switched on (Settings → Test payments, and allowed as DEBUG or a demo has it);
    the Reader revenue settings, to change what the form suggests."""
    settings.SUPPORT_TEST_PAYMENTS = True
    staff_set(TestPaymentSettings, enabled=True)
    return support_settings()


def donate(client, **fields):
    """The donate form as a browser without JavaScript sends it: Monthly, €10, the test provider."""
    data = {"frequency": "monthly", "currency": "EUR", "amount_once": "10", "amount_monthly": "10",
            "amount_annual": "50", "other_amount": "", "provider": "test", "email": ""}
    data.update(fields)
    return client.post("/support/donate/", data)


def pay_with_test_provider(client, response, email="ana@example.org", name="Ana Ruiz", outcome="pay"):
    assert response.status_code == 303, response.content.decode()[:2000]
    checkout = response.headers["Location"]
    assert checkout.startswith("/support/test-checkout/")
    return client.post(checkout, {"outcome": outcome, "email": email, "name": name})


@pytest.fixture
def fake_stripe(settings):
    """The Stripe API on 127.0.0.1, with keys and the webhook secret set; Stripe offered on the form."""
    from .fake_stripe import SECRET_KEY, WEBHOOK_SECRET, FakeStripe

    server = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_TIMEOUT = 5
    try:
        yield server
    finally:
        server.stop()


def post_webhook(client, event, signature=None, secret=None):
    """Deliver a Stripe event to our webhook, signed like Stripe unless a signature is given."""
    import json

    from .fake_stripe import WEBHOOK_SECRET, sign

    payload = json.dumps(event)
    header = signature if signature is not None else sign(payload, secret or WEBHOOK_SECRET)
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header else {}
    return client.post("/support/webhooks/stripe/", payload, content_type="application/json", **extra)
