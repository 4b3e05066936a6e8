"""Joining: the signup form, double opt-in, and answers that give nothing away."""

import html
import re

import pytest
from django.utils import timezone

from samizdat.newsletter.models import Subscriber, Subscription, Suppression

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https://courier\.example(/newsletter/confirm/[^/\s]+/)")


def text(response):
    return html.unescape(response.content.decode())


def sign_up(client, email, newsletter="the-week", **headers):
    return client.post("/newsletter/signup/", {"email": email, "newsletter": newsletter}, **headers)


def confirm_path(message):
    return CONFIRM_LINK.search(message.part("text/plain")).group(1)


def test_signup_sends_a_confirmation_and_the_link_starts_the_subscription(client, smtp, the_week):
    response = sign_up(client, "  Reader@Example.org ")
    assert response.status_code == 200
    assert "check your inbox" in text(response).lower()
    subscription = Subscription.objects.get(subscriber__email="reader@example.org")
    assert subscription.status == Subscription.PENDING

    [mail] = smtp.to("reader@example.org")
    assert mail.message["Subject"] == "Confirm your subscription to The Week"
    assert "week@courier.example" in mail.message["From"]
    # Opening the link (as a mail scanner does) only asks; the button confirms.
    page = client.get(confirm_path(mail))
    assert page.status_code == 200
    assert "Confirm my subscription" in text(page) and "You're subscribed" not in text(page)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.PENDING
    page = client.post(confirm_path(mail))
    assert page.status_code == 200
    assert "You're subscribed" in text(page)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.ACTIVE
    assert subscription.confirmed_at is not None
    # The consent is stored word for word, with its time.
    assert subscription.consent_text.startswith("Sign up for our free weekly newsletter: The Week.")
    assert "Subscribers agree to the Privacy Policy" in subscription.consent_text
    assert abs((subscription.consent_at - timezone.now()).total_seconds()) < 60
    # Following the link again is fine, and says so without asking again.
    assert "You're subscribed" in text(client.get(confirm_path(mail)))
    assert client.post(confirm_path(mail)).status_code == 200


def test_signing_up_again_within_the_hour_sends_no_second_email(client, smtp, the_week):
    first = sign_up(client, "reader@example.org")
    second = sign_up(client, "reader@example.org")
    assert first.content == second.content
    assert len(smtp.to("reader@example.org")) == 1


def test_a_new_confirmation_may_go_out_after_an_hour(client, smtp, the_week):
    sign_up(client, "reader@example.org")
    Subscriber.objects.update(confirmation_sent_at=timezone.now() - timezone.timedelta(minutes=61))
    sign_up(client, "reader@example.org")
    assert len(smtp.to("reader@example.org")) == 2


def test_a_known_subscriber_gets_the_same_answer_as_a_new_address(client, smtp, the_week):
    from .conftest import subscribe

    subscribe(the_week, "known@example.org")
    known = sign_up(client, "known@example.org")
    new = sign_up(client, "new@example.org")
    assert (known.status_code, known.content) == (new.status_code, new.content)
    assert smtp.to("known@example.org") == []  # already subscribed: nothing to confirm
    as_json = sign_up(client, "known@example.org", HTTP_ACCEPT="application/json").json()
    assert as_json == sign_up(client, "other@example.org", HTTP_ACCEPT="application/json").json()


@pytest.mark.parametrize(
    "email, says",
    [
        ("", "Please enter your email address."),
        ("not an address", "doesn't look like an email address"),
        ("reader@", "doesn't look like an email address"),
        ("reader@example.org\r\nBcc: victim@example.org", "doesn't look like an email address"),
        ("x" * 250 + "@example.org", "too long"),
        ("<script>alert(1)</script>@example.org", "doesn't look like an email address"),
    ],
)
def test_bad_addresses_get_a_clear_error_and_nothing_is_stored(client, smtp, the_week, email, says):
    response = sign_up(client, email)
    assert response.status_code == 400
    assert says in text(response)
    assert "<script>alert" not in response.content.decode()
    assert not Subscriber.objects.exists()
    assert smtp.received == []
    with_js = sign_up(client, email, HTTP_ACCEPT="application/json")
    assert with_js.status_code == 400 and says in with_js.json()["message"]


def test_an_unknown_newsletter_or_a_missing_field_is_a_clear_error(client, the_week):
    assert "doesn't exist" in text(sign_up(client, "a@example.org", newsletter="gone"))
    response = client.post("/newsletter/signup/", {})
    assert response.status_code == 400
    assert client.post("/newsletter/signup/", {"email": ["a@example.org", "b@example.org"], "newsletter": "the-week"}).status_code == 200


def test_signup_with_javascript_answers_in_json_that_mirrors_may_read(client, smtp, the_week, settings):
    settings.MIRROR_URLS = ["https://mirror.example/"]
    response = sign_up(client, "reader@example.org", HTTP_ACCEPT="application/json", HTTP_ORIGIN="https://mirror.example")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "message": response.json()["message"]}
    assert "check your inbox" in response.json()["message"]
    assert response["Access-Control-Allow-Origin"] == "https://mirror.example"
    assert len(smtp.to("reader@example.org")) == 1


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "https://courier.example.evil.example",
                                    "http://courier.example", "https://mirror.example:8443", "*"])
def test_only_our_own_site_and_mirrors_may_read_the_signup_answer(client, the_week, settings, origin):
    settings.MIRROR_URLS = ["https://mirror.example/", "http://abcdefghijklmnop.onion"]
    response = sign_up(client, "reader@example.org", HTTP_ACCEPT="application/json", HTTP_ORIGIN=origin)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert "Origin" in response["Vary"]  # a cache must not give one origin's answer to another


@pytest.mark.parametrize("origin", ["https://courier.example", "https://mirror.example", "http://abcdefghijklmnop.onion"])
def test_the_site_and_each_mirror_may_read_the_signup_answer(client, the_week, settings, origin):
    settings.MIRROR_URLS = ["https://mirror.example/", "http://abcdefghijklmnop.onion"]
    response = sign_up(client, "reader@example.org", HTTP_ACCEPT="application/json", HTTP_ORIGIN=origin)
    assert response["Access-Control-Allow-Origin"] == origin
    assert "Origin" in response["Vary"]


def test_no_public_address_lets_a_strangers_page_read_its_answer(client, the_week):
    stranger = {"HTTP_ORIGIN": "https://evil.example"}
    answers = [
        sign_up(client, "reader@example.org", HTTP_ACCEPT="application/json", **stranger),
        client.post("/support/donate/", {}, **stranger),
        client.get("/search/", {"q": "harbour"}, **stranger),
        client.get("/support/appeals.json", **stranger),
    ]
    assert [answer.get("Access-Control-Allow-Origin") for answer in answers] == [None] * 4


def test_the_signup_endpoint_needs_no_csrf_token_and_sets_no_cookie(the_week, smtp):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/newsletter/signup/", {"email": "reader@example.org", "newsletter": "the-week"})
    assert response.status_code == 200
    assert response.cookies == {}


def test_a_bot_filling_the_hidden_field_gets_the_usual_answer_and_nothing_happens(client, smtp, the_week):
    response = client.post("/newsletter/signup/", {"email": "bot@example.org", "newsletter": "the-week", "website": "http://spam"})
    assert response.status_code == 200 and "check your inbox" in text(response)
    assert not Subscriber.objects.exists() and smtp.received == []


def test_opening_the_signup_address_goes_to_the_newsletter_page(client):
    response = client.get("/newsletter/signup/")
    assert response.status_code == 302 and response["Location"] == "/newsletter/"


@pytest.mark.parametrize("token", ["nonsense", "1:abc", "x" * 500, "MQ:1tAAAA:forged"])
def test_a_damaged_confirmation_link_says_so_kindly(client, token):
    for response in (client.get(f"/newsletter/confirm/{token}/"), client.post(f"/newsletter/confirm/{token}/")):
        assert response.status_code == 400
        assert "expired" in text(response)


def test_confirming_lifts_an_earlier_suppression(client, smtp, the_week):
    Suppression.objects.create(email="back@example.org", reason=Suppression.COMPLAINED)
    sign_up(client, "back@example.org")
    client.post(confirm_path(smtp.to("back@example.org")[0]))
    assert not Suppression.objects.filter(email="back@example.org").exists()


def test_without_double_opt_in_the_subscription_starts_at_once(client, smtp, the_week, settings):
    settings.NEWSLETTER_DOUBLE_OPT_IN = False
    sign_up(client, "reader@example.org")
    assert Subscription.objects.get().status == Subscription.ACTIVE
    assert smtp.received == []


def test_a_failed_confirmation_email_is_logged_without_the_address_and_may_be_tried_again(client, smtp, the_week, caplog):
    smtp.behaviour.refuse_for_good = {"typo@example.org"}
    response = sign_up(client, "typo@example.org")
    assert response.status_code == 200 and "check your inbox" in text(response)  # the same answer
    assert "Confirmation email for subscription" in caplog.text
    assert "typo@example.org" not in caplog.text
    assert Subscriber.objects.get().confirmation_sent_at is None  # no hour to wait for a retry


def test_with_make_runs_defaults_the_confirmation_lands_in_the_local_mail_outbox(client, the_week, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    sign_up(client, "reader@example.org")
    [outbox_file] = (tmp_path / "mail").iterdir()
    link = CONFIRM_LINK.search(outbox_file.read_text()).group(1)
    assert "Confirm my subscription" in text(client.get(link))
    assert "You're subscribed" in text(client.post(link))
    assert Subscription.objects.get().status == Subscription.ACTIVE
