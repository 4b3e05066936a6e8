"""What an outside tester found answering 500, or worse, in the newsletter's public side: each now
answers with a page or a 4xx a reader understands, and loses nothing."""

import base64
import html
import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from samizdat.newsletter.models import Subscriber, Subscription, Suppression
from samizdat.newsletter.tokens import confirm_token, preferences_token, read_confirm_token, unsubscribe_token

from .conftest import subscribe

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https://courier\.example(/newsletter/confirm/[^/\s]+/)")


@pytest.fixture
def anyone():
    return Client(raise_request_exception=False)


def text(response):
    return html.unescape(response.content.decode())


# The preferences form


@pytest.mark.parametrize("value", ["²", "٣", "9" * 5000, "12345678901234567890123", "abc", "-1", "1\x00"])
def test_preferences_posted_with_a_newsletter_number_it_cant_read_answer_400_and_change_nothing(anyone, the_week, breaking, value):
    [reader] = subscribe(the_week, "reader@example.org")
    response = anyone.post(f"/newsletter/preferences/{preferences_token(reader.pk)}/", {"newsletter": [str(breaking.pk), value]})
    assert response.status_code == 400
    assert "We couldn't read your choices, so nothing was changed" in text(response)
    assert 'name="newsletter"' in text(response), "the form is there to try again"
    assert Subscription.objects.get(newsletter=the_week).status == Subscription.ACTIVE
    assert not Subscription.objects.filter(newsletter=breaking).exists()


def test_preferences_still_save_what_was_ticked(anyone, the_week, breaking):
    [reader] = subscribe(the_week, "reader@example.org")
    response = anyone.post(f"/newsletter/preferences/{preferences_token(reader.pk)}/", {"newsletter": [str(breaking.pk)]})
    assert response.status_code == 200 and "Saved" in text(response)
    statuses = dict(Subscription.objects.values_list("newsletter__slug", "status"))
    assert statuses == {"the-week": Subscription.UNSUBSCRIBED, "breaking": Subscription.ACTIVE}


# Confirmation links made before an unsubscribe


def signed_up_and_confirmed(client, smtp, email="reader@example.org"):
    client.post("/newsletter/signup/", {"email": email, "newsletter": "the-week"})
    [mail] = smtp.to(email)
    old_link = CONFIRM_LINK.search(mail.part("text/plain")).group(1)
    assert client.post(old_link).status_code == 200
    assert Subscription.objects.get().status == Subscription.ACTIVE
    return old_link


def test_a_confirmation_link_from_before_an_unsubscribe_does_not_subscribe_again(anyone, smtp, the_week):
    old_link = signed_up_and_confirmed(anyone, smtp)
    subscription = Subscription.objects.get()
    anyone.post(f"/newsletter/unsubscribe/{unsubscribe_token(subscription.subscriber_id, the_week.pk)}/")
    assert Subscription.objects.get().status == Subscription.UNSUBSCRIBED
    for response in (anyone.get(old_link), anyone.post(old_link)):
        assert response.status_code == 400
        page = text(response)
        assert "This link is no longer valid" in page
        assert "You unsubscribed from The Week after we sent this confirmation link" in page
        assert 'action="/newsletter/signup/"' in page, "a way to sign up again"
    assert Subscription.objects.get().status == Subscription.UNSUBSCRIBED


def test_an_old_confirmation_link_does_not_lift_unsubscribing_from_everything(anyone, smtp, the_week):
    old_link = signed_up_and_confirmed(anyone, smtp)
    reader = Subscriber.objects.get()
    anyone.post(f"/newsletter/preferences/{preferences_token(reader.pk)}/", {"everything": "1"})
    assert anyone.post(old_link).status_code == 400
    assert Subscription.objects.get().status == Subscription.UNSUBSCRIBED
    assert Suppression.objects.filter(email="reader@example.org").exists(), "still never mailed"


def test_signing_up_again_after_unsubscribing_sends_a_new_link_at_once_and_it_works(anyone, smtp, the_week):
    old_link = signed_up_and_confirmed(anyone, smtp)
    reader = Subscriber.objects.get()
    anyone.post(f"/newsletter/preferences/{preferences_token(reader.pk)}/", {"everything": "1"})
    anyone.post("/newsletter/signup/", {"email": "reader@example.org", "newsletter": "the-week"})
    mails = smtp.to("reader@example.org")
    assert len(mails) == 2, "a new confirmation within the hour: the old one no longer works"
    new_link = CONFIRM_LINK.search(mails[1].part("text/plain")).group(1)
    assert anyone.post(old_link).status_code == 400
    response = anyone.post(new_link)
    assert response.status_code == 200 and "You're subscribed" in text(response)
    assert Subscription.objects.get().status == Subscription.ACTIVE


def test_a_link_made_before_links_carried_their_time_still_confirms(anyone, the_week):
    from django.core import signing

    subscription = Subscription.objects.create(
        subscriber=Subscriber.objects.create(email="early@example.org"), newsletter=the_week, consent_text="x"
    )
    legacy = signing.dumps(subscription.pk, salt="newsletter.confirm")  # as links were made until now
    assert read_confirm_token(legacy).subscription_id == subscription.pk
    assert anyone.post(f"/newsletter/confirm/{legacy}/").status_code == 200
    assert Subscription.objects.get().status == Subscription.ACTIVE


def test_a_link_without_its_time_does_not_undo_an_unsubscribe_from_this_week(anyone, the_week):
    """Its time unknown, it is taken as made a week ago: leaving since is the newer wish."""
    from django.core import signing

    subscription = Subscription.objects.create(
        subscriber=Subscriber.objects.create(email="early@example.org"), newsletter=the_week, consent_text="x",
        status=Subscription.UNSUBSCRIBED, unsubscribed_at=timezone.now() - timedelta(days=6),
    )
    legacy = signing.dumps(subscription.pk, salt="newsletter.confirm")
    assert anyone.post(f"/newsletter/confirm/{legacy}/").status_code == 400
    assert Subscription.objects.get().status == Subscription.UNSUBSCRIBED


def test_a_link_made_before_unsubscribing_in_the_same_second_is_still_outdated(anyone, the_week):
    [reader] = subscribe(the_week, "reader@example.org", status=Subscription.PENDING)
    link = f"/newsletter/confirm/{confirm_token(Subscription.objects.get().pk)}/"
    Subscription.objects.update(status=Subscription.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    assert anyone.post(link).status_code == 400


# The subscriber import


@pytest.fixture
def editor(client):
    client.force_login(User.objects.create_superuser("editor", "editor@courier.example", "pw"))
    return client


def test_a_csv_with_a_field_over_128_kb_imports_every_other_row_and_names_the_one_it_could_not_read(editor, the_week):
    data = b"email,note\nana@example.org,hi\nbo@example.org," + b"x" * 200_000 + b"\ncy@example.org,ok\n"
    response = editor.post("/admin/newsletter/import/", {
        "newsletter": the_week.pk, "file": SimpleUploadedFile("list.csv", data, content_type="text/csv"),
        "consent": "Signed up at the fair", "vouch": "on",
    })
    page = text(response)
    assert response.status_code == 200
    assert "2 taken, 0 already subscribed, 1 refused" in page
    assert "this row could not be read (a cell longer than 128 KB, or a broken one)" in page
    assert set(Subscriber.objects.values_list("email", flat=True)) == {"ana@example.org", "cy@example.org"}


# The email services' webhooks


def bounce(client, service="postmark", auth=None):
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
    payload = {"RecordType": "Bounce", "Type": "HardBounce", "Email": "victim@example.org", "MessageID": "m1",
               "BouncedAt": "2026-11-20T10:00:00Z"}
    return client.post(f"/newsletter/webhooks/{service}/tracking/", json.dumps(payload), content_type="application/json", **headers)


SERVICES = ["postmark", "mailgun", "mandrill", "amazon_ses", "mailersend", "postal", "unisender_go", "brevo",
            "sendgrid", "sparkpost", "mailjet", "resend", "mailtrap"]


@pytest.mark.parametrize("service", SERVICES)
def test_the_webhook_of_an_email_service_that_is_not_set_up_is_not_found(anyone, settings, service):
    settings.EMAIL_BACKEND = f"anymail.backends.{service}.EmailBackend"
    settings.ANYMAIL = {}
    response = bounce(anyone, service)
    assert response.status_code == 404
    assert "This email service's webhook is not set up on this site." in text(response)
    assert not Suppression.objects.exists()


@pytest.mark.parametrize("service", ["mailgun", "mandrill", "postal", "mailersend", "unisender_go"])
def test_a_service_with_its_own_signature_but_no_key_is_not_found_even_with_the_shared_secret(anyone, settings, service):
    settings.EMAIL_BACKEND = f"anymail.backends.{service}.EmailBackend"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    assert bounce(anyone, service, auth="hook:secret").status_code == 404


def test_without_a_webhook_secret_nobody_can_forge_a_bounce_and_stop_a_readers_mail(anyone, settings, the_week):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {}
    subscribe(the_week, "victim@example.org")
    assert bounce(anyone).status_code == 404
    assert not Suppression.objects.exists()
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    assert bounce(anyone, auth="hook:secret").status_code == 200
    assert Suppression.objects.get().email == "victim@example.org"


def test_a_webhook_body_nested_past_the_stack_is_a_400(anyone, settings):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    response = anyone.post("/newsletter/webhooks/postmark/tracking/", "[" * 100_000 + "]" * 100_000, content_type="application/json",
                           HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"hook:secret").decode())
    assert response.status_code == 400
    assert "This webhook call could not be read." in text(response)


# The signup form


@pytest.mark.parametrize("slug", ["the-week\x00", "\x00", "x" * 5000, "²"])
def test_signing_up_to_a_newsletter_named_with_a_nul_byte_or_junk_says_it_does_not_exist(anyone, the_week, slug):
    # PostgreSQL refuses a NUL byte even in a query: this gave a 500 there.
    response = anyone.post("/newsletter/signup/", {"email": "reader@example.org", "newsletter": slug})
    assert response.status_code == 400
    assert "That newsletter doesn't exist any more" in text(response)
    assert not Subscriber.objects.exists()
