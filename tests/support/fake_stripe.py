"""A small HTTP server on 127.0.0.1 that answers like the Stripe API for the calls samizdat makes,
and webhook payloads signed exactly as Stripe signs them.

The official SDK talks to it through STRIPE_API_BASE; it records every request (method, path,
form fields, headers) so tests can check what was asked of Stripe.
"""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from urllib.parse import parse_qsl

WEBHOOK_SECRET = "whsec_test_samizdat"
SECRET_KEY = "sk_test_samizdat"


class FakeStripe:
    def __init__(self):
        self.requests = []
        self.subscriptions = {}
        self.invoices = {}
        self.fail_with = None  # (status, error dict) for the next calls
        self.ids = count(1)
        handler = type("Handler", (StripeHandler,), {"stripe": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def calls(self, method, path_start):
        return [r for r in self.requests if r["method"] == method and r["path"].startswith(path_start)]

    def add_subscription(self, sub_id, amount, currency="eur", interval="month"):
        self.subscriptions[sub_id] = {
            "id": sub_id, "object": "subscription", "status": "active", "currency": currency,
            "items": {"object": "list", "data": [{
                "id": f"si_{sub_id}", "object": "subscription_item", "quantity": 1,
                "price": {"id": f"price_{sub_id}", "object": "price", "unit_amount": amount, "currency": currency,
                          "product": f"prod_{sub_id}", "recurring": {"interval": interval}},
            }]},
        }

    def answer(self, method, path, fields):
        if self.fail_with:
            return self.fail_with
        if method == "POST" and path == "/v1/checkout/sessions":
            session_id = f"cs_test_{next(self.ids)}"
            return 200, {"id": session_id, "object": "checkout.session", "mode": fields.get("mode"),
                         "url": f"https://checkout.stripe.com/c/pay/{session_id}", "status": "open"}
        if method == "GET" and path.startswith("/v1/invoices/"):
            invoice_id = path.rsplit("/", 1)[1]
            if invoice_id not in self.invoices:
                return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                       "message": f"No such invoice: '{invoice_id}'"}}
            return 200, self.invoices[invoice_id]
        if path.startswith("/v1/subscriptions/"):
            sub_id = path.rsplit("/", 1)[1]
            subscription = self.subscriptions.get(sub_id)
            if subscription is None:
                return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                       "message": f"No such subscription: '{sub_id}'"}}
            if method == "DELETE":
                subscription["status"] = "canceled"
            elif method == "POST":
                price = subscription["items"]["data"][0]["price"]
                if "items[0][price_data][unit_amount]" in fields:
                    price["unit_amount"] = int(fields["items[0][price_data][unit_amount]"])
            return 200, subscription
        return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL ({method}: {path})"}}


class StripeHandler(BaseHTTPRequestHandler):
    stripe = None

    def log_message(self, *args):
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        path, _, query = self.path.partition("?")
        fields = dict(parse_qsl(body or query, keep_blank_values=True))
        self.stripe.requests.append({"method": self.command, "path": path, "fields": fields, "headers": dict(self.headers)})
        status, payload = self.stripe.answer(self.command, path, fields)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", f"req_{next(self.stripe.ids)}")
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = _handle


def sign(payload, secret=WEBHOOK_SECRET, timestamp=None):
    """The Stripe-Signature header: t=<unix time>,v1=<HMAC-SHA256 of "t.payload" with the secret>."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


_event_ids = count(1)


def event(kind, obj, created=None, event_id=None):
    """A Stripe event as webhooks deliver it."""
    return {
        "id": event_id or f"evt_test_{next(_event_ids)}", "object": "event", "api_version": "2026-10-28.endive",
        "created": created or int(time.time()), "type": kind, "livemode": False, "pending_webhooks": 1,
        "data": {"object": obj},
    }


def checkout_session(mode="payment", amount=2500, currency="eur", email="ana@example.org", name="Ana Ruiz",
                     payment_intent="pi_1", subscription=None, frequency="once", payment_status="paid"):
    return {
        "id": f"cs_test_{payment_intent or subscription}", "object": "checkout.session", "mode": mode,
        "amount_total": amount, "currency": currency, "payment_status": payment_status,
        "payment_intent": payment_intent if mode == "payment" else None, "subscription": subscription,
        "customer_details": {"email": email, "name": name}, "metadata": {"samizdat_frequency": frequency},
    }


def invoice(subscription="sub_1", amount=1000, currency="eur", invoice_id="in_1", payment_intent="pi_in_1",
            interval="month", email="ana@example.org", new_shape=False, with_payments=True):
    """An invoice; new_shape: the 2025+ layout (parent.subscription_details, payments, which
    webhooks leave out unless with_payments)."""
    data = {
        "id": invoice_id, "object": "invoice", "amount_paid": amount, "currency": currency, "customer_email": email,
        "customer_name": "Ana Ruiz", "status": "paid",
        "lines": {"object": "list", "data": [{"id": f"il_{invoice_id}", "amount": amount,
                                              "price": {"recurring": {"interval": interval}}}]},
    }
    if new_shape:
        data["parent"] = {"type": "subscription_details", "subscription_details": {"subscription": subscription, "metadata": {}}}
        data["payments"] = {"object": "list", "data": [{"payment": {"type": "payment_intent", "payment_intent": payment_intent}}]}
        data["lines"]["data"][0] = {"id": f"il_{invoice_id}", "amount": amount, "metadata": {}, "pricing": {"price_details": {"price": "price_1"}}}
        data["parent"]["subscription_details"]["metadata"] = {"samizdat_frequency": "annual" if interval == "year" else "monthly"}
        if not with_payments:
            del data["payments"]
    else:
        data["subscription"] = subscription
        data["payment_intent"] = payment_intent
    return data


def subscription(sub_id="sub_1", status="active", amount=1000, interval="month", currency="eur"):
    return {"id": sub_id, "object": "subscription", "status": status, "currency": currency,
            "items": {"object": "list", "data": [{"id": f"si_{sub_id}", "quantity": 1,
                                                  "price": {"unit_amount": amount, "recurring": {"interval": interval}}}]}}


def charge(payment_intent="pi_1", amount=2500, refunded=2500, currency="eur", email="ana@example.org"):
    return {"id": f"ch_{payment_intent}", "object": "charge", "amount": amount, "amount_refunded": refunded,
            "currency": currency, "payment_intent": payment_intent, "refunded": refunded >= amount,
            "billing_details": {"email": email}, "metadata": {}}
