"""The provider seam: a provider's webhook is verified before anything reads it, and a provider
defined outside support/ (here, in this test module) registers itself and receives its webhooks."""

import hashlib
import hmac
import json
from datetime import datetime, timezone

import pytest
from bs4 import BeautifulSoup
from django.utils.crypto import constant_time_compare
from wagtail import hooks

from samizdat.support.events import PaymentEvent
from samizdat.support.models import Donation, ProcessedEvent
from samizdat.support.providers.base import Provider
from samizdat.support.providers.errors import WebhookRejected
from samizdat.support.providers.webhooks import WebhookView

pytestmark = pytest.mark.django_db

SECRET = b"courier-shared-secret"
parsed = []  # every body a parser was given


def signature(body, secret=SECRET):
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


class CourierWebhook(WebhookView):
    """A payment service that signs each webhook with an HMAC of its body."""

    def verify(self, request):
        if not constant_time_compare(request.headers.get("X-Courier-Signature", ""), signature(request.body)):
            raise WebhookRejected("bad Courier signature")

    def parse_events(self, request):
        parsed.append(request.body)
        gift = json.loads(request.body)
        return [PaymentEvent(
            provider=gift.get("provider", "courier"), event_id=gift["id"], kind="payment.succeeded",
            occurred_at=datetime(2026, 12, 1, tzinfo=timezone.utc), payment_id=gift["payment"],
            amount=gift["amount"], currency=gift["currency"], frequency="once", email="ana@example.org",
        )]


class CourierProvider(Provider):
    name = "courier"
    label = "Courier Pay"
    webhook = CourierWebhook

    def is_available(self):
        return True


class ForgetfulWebhook(WebhookView):
    """A provider's webhook that reads the payload but never says how to verify it."""

    def parse_events(self, request):
        parsed.append(request.body)
        return []


class ForgetfulProvider(Provider):
    name = "forgetful"
    webhook = ForgetfulWebhook


@pytest.fixture
def courier():
    parsed.clear()
    with hooks.register_temporarily("register_payment_provider", lambda: CourierProvider), \
         hooks.register_temporarily("register_payment_provider", lambda: ForgetfulProvider):
        yield


def gift(**fields):
    return json.dumps({"id": "evt_1", "payment": "pay_1", "amount": 2500, "currency": "EUR", **fields}).encode()


def deliver(client, body, provider="courier", sign=signature):
    return client.post(f"/support/webhooks/{provider}/", body, content_type="application/json",
                       HTTP_X_COURIER_SIGNATURE=sign(body))


def test_a_provider_defined_outside_support_receives_its_signed_webhook_and_the_gift_is_recorded_once(client, courier):
    for _ in range(2):
        response = deliver(client, gift())
        assert response.status_code == 200
    assert response.content == b"duplicate\n"
    donation = Donation.objects.get()
    assert (donation.provider, donation.provider_payment_id, donation.amount, donation.currency, donation.status) == (
        "courier", "pay_1", 2500, "EUR", "paid")


@pytest.mark.parametrize("sign", [lambda body: signature(body, b"someone else"), lambda body: ""])
def test_a_webhook_with_a_bad_signature_never_reaches_the_providers_parser(client, courier, sign):
    response = deliver(client, gift(), sign=sign)
    assert response.status_code == 400
    assert parsed == [], "the payload was never read"
    assert not Donation.objects.exists() and not ProcessedEvent.objects.exists()


def test_a_provider_that_forgets_to_verify_its_webhook_receives_nothing(client, courier):
    response = deliver(client, gift(), provider="forgetful")
    assert response.status_code == 400
    assert parsed == []


def test_a_provider_cannot_replace_the_order_verify_then_parse():
    with pytest.raises(TypeError, match="implement verify and parse_events"):
        class Hasty(WebhookView):  # noqa: F841
            def post(self, request, *args, **kwargs):
                return None


def test_not_even_a_mixin_can_replace_the_order_verify_then_parse():
    class Shortcut:
        def post(self, request, *args, **kwargs):
            return None

    with pytest.raises(TypeError, match="implement verify and parse_events"):
        class Hasty(Shortcut, WebhookView):  # noqa: F841
            pass


def test_a_signed_webhook_cannot_record_a_gift_in_another_providers_name(client, courier):
    response = deliver(client, gift(provider="stripe"))
    assert response.status_code == 400
    assert not Donation.objects.exists() and not ProcessedEvent.objects.exists()


def test_an_unknown_provider_has_no_webhook(client, courier):
    assert deliver(client, gift(), provider="nobody").status_code == 404


def test_a_registered_provider_is_offered_on_the_donate_form_without_a_settings_line(client, courier):
    soup = BeautifulSoup(client.get("/support/").content, "html.parser")
    assert [label.get_text(strip=True) for label in soup.select(".donate-providers label")] == ["Courier Pay"]
