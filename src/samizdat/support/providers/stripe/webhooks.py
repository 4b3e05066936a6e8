"""Stripe's webhook: Stripe's signature scheme checked first (stripe.WebhookSignature), then the
event read by payloads.py."""

import json

import stripe

from samizdat.support.providers.errors import WebhookRejected
from samizdat.support.providers.webhooks import WebhookView

from .conf import webhook_secret
from .payloads import HANDLERS


class StripeWebhook(WebhookView):
    def verify(self, request):
        if not webhook_secret():
            raise WebhookRejected("STRIPE_WEBHOOK_SECRET is not set")
        signature = request.headers.get("Stripe-Signature", "")
        try:
            # The signature alone, then our own reading: construct_event assumes the payload is a
            # JSON object and fails on a list with an AttributeError of its own.
            stripe.WebhookSignature.verify_header(request.body, signature, webhook_secret(), stripe.Webhook.DEFAULT_TOLERANCE)
        except stripe.SignatureVerificationError:
            raise WebhookRejected("bad or missing Stripe-Signature") from None
        except UnicodeDecodeError:  # Stripe signs text: bytes that aren't UTF-8 were never signed by it
            raise WebhookRejected("not UTF-8") from None
        except TypeError:  # a signature that isn't ASCII: hmac.compare_digest refuses to compare it
            raise WebhookRejected("bad Stripe-Signature") from None

    def parse_events(self, request):
        try:
            event = json.loads(request.body)
        except (ValueError, RecursionError):  # RecursionError: arrays nested deeper than the stack
            raise WebhookRejected("not JSON") from None
        if not isinstance(event, dict):
            raise WebhookRejected(f"a JSON {type(event).__name__} where an event object belongs")
        try:
            handler = HANDLERS.get(event["type"])
            if handler is None:
                return []
            found = handler(event, event["data"]["object"])
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError, OSError) as error:
            raise WebhookRejected(f"a {type(error).__name__} reading the event") from None
        return [found] if found else []
