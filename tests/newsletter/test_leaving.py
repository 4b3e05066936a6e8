"""Leaving: one-click unsubscribe (RFC 8058), the preferences page, damaged links."""

import html

import pytest
from django.test import Client

from samizdat.newsletter.models import Subscription, Suppression
from samizdat.newsletter.tokens import preferences_token, unsubscribe_token

from .conftest import subscribe

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


def test_opening_the_unsubscribe_link_asks_and_changes_nothing(client, the_week):
    [reader] = subscribe(the_week, "reader@example.org")
    response = client.get(f"/newsletter/unsubscribe/{unsubscribe_token(reader.pk, the_week.pk)}/")
    assert response.status_code == 200
    assert "Unsubscribe from The Week" in text(response)
    assert Subscription.objects.get().status == Subscription.ACTIVE


def test_one_click_post_unsubscribes_at_once_without_login_or_csrf_token(the_week, breaking):
    [reader] = subscribe(the_week, "reader@example.org")
    subscribe(breaking, "reader@example.org")
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        f"/newsletter/unsubscribe/{unsubscribe_token(reader.pk, the_week.pk)}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert "You won't get The Week any more" in text(response)
    assert Subscription.objects.get(newsletter=the_week).status == Subscription.UNSUBSCRIBED
    assert Subscription.objects.get(newsletter=the_week).unsubscribed_at is not None
    assert Subscription.objects.get(newsletter=breaking).status == Subscription.ACTIVE  # only that one
    # Twice is fine too.
    assert mail_program.post(f"/newsletter/unsubscribe/{unsubscribe_token(reader.pk, the_week.pk)}/").status_code == 200


@pytest.mark.parametrize("token", ["nonsense", "1-1", "1-1:forged-signature", "%00", "9" * 300])
def test_a_damaged_unsubscribe_link_is_explained_not_an_error(client, the_week, token):
    for method in (client.get, client.post):
        response = method(f"/newsletter/unsubscribe/{token}/")
        assert response.status_code in (400, 404)
        if response.status_code == 400:
            assert "damaged" in text(response)


def test_an_unsubscribe_link_of_a_deleted_subscriber_still_answers_kindly(client, the_week):
    response = client.post(f"/newsletter/unsubscribe/{unsubscribe_token(12345, the_week.pk)}/")
    assert response.status_code == 200
    assert "You won't get The Week any more" in text(response)


def test_the_preferences_page_lets_a_reader_choose_newsletters(client, the_week, breaking):
    [reader] = subscribe(the_week, "reader@example.org")
    url = f"/newsletter/preferences/{preferences_token(reader.pk)}/"
    page = text(client.get(url))
    assert "reader@example.org" in page and "The Week" in page and "Breaking" in page
    response = client.post(url, {"newsletter": [str(breaking.pk)]})
    assert "Saved" in text(response)
    assert Subscription.objects.get(newsletter=the_week).status == Subscription.UNSUBSCRIBED
    breaking_subscription = Subscription.objects.get(newsletter=breaking)
    assert breaking_subscription.status == Subscription.ACTIVE
    assert breaking_subscription.consent_source == "preferences page"
    # A newsletter that is gone since the page was opened is passed over.
    assert client.post(url, {"newsletter": ["999999"]}).status_code == 200
    assert not Subscription.objects.filter(status=Subscription.ACTIVE).exists()
    # A form we can't read changes nothing (rather than leaving every newsletter unticked).
    client.post(url, {"newsletter": [str(breaking.pk)]})
    response = client.post(url, {"newsletter": ["x", str(the_week.pk), ""]})
    assert response.status_code == 400 and "nothing was changed" in text(response)
    assert list(Subscription.objects.filter(status=Subscription.ACTIVE).values_list("newsletter__slug", flat=True)) == ["breaking"]


def test_unsubscribing_from_everything_suppresses_the_address(client, the_week, breaking):
    [reader] = subscribe(the_week, "reader@example.org")
    subscribe(breaking, "reader@example.org")
    client.post(f"/newsletter/preferences/{preferences_token(reader.pk)}/", {"everything": "1"})
    assert set(Subscription.objects.values_list("status", flat=True)) == {Subscription.UNSUBSCRIBED}
    assert Suppression.objects.get(email="reader@example.org").reason == Suppression.UNSUBSCRIBED


def test_a_forged_preferences_link_shows_nothing_about_anyone(client, the_week):
    [reader] = subscribe(the_week, "reader@example.org")
    response = client.get(f"/newsletter/preferences/{reader.pk}:forged/")
    assert response.status_code == 400
    assert "reader@example.org" not in text(response)
