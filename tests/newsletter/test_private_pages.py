"""Pages that show a reader's address or answer a link with a token are private: never kept by a
browser, proxy or CDN (Cache-Control: private, no-store), and never published as files."""

import pytest
from django.core.management import call_command

from samizdat.newsletter.models import Subscriber, Subscription
from samizdat.newsletter.tokens import confirm_token, preferences_token, unsubscribe_token

pytestmark = pytest.mark.django_db


def private(response):
    value = response["Cache-Control"]
    return "private" in value and "no-store" in value


@pytest.fixture
def reader(the_week):
    subscriber = Subscriber.objects.create(email="ana@example.org")
    subscription = Subscription.objects.create(subscriber=subscriber, newsletter=the_week, consent_text="x")
    return subscriber, subscription


def test_the_preferences_page_showing_the_address_is_private(client, reader):
    response = client.get(f"/newsletter/preferences/{preferences_token(reader[0].pk)}/")
    assert "ana@example.org" in response.content.decode()
    assert private(response)


def test_confirmation_and_unsubscribe_pages_are_private(client, reader, the_week):
    subscriber, subscription = reader
    for url in (f"/newsletter/confirm/{confirm_token(subscription.pk)}/",
                f"/newsletter/unsubscribe/{unsubscribe_token(subscriber.pk, the_week.pk)}/"):
        assert private(client.get(url)), url
        assert private(client.post(url)), url


def test_the_signup_answer_repeating_the_address_is_private(client, the_week):
    response = client.post("/newsletter/signup/", {"email": "not an address", "newsletter": "the-week"})
    assert "not an address" in response.content.decode() and private(response)
    assert private(client.post("/newsletter/signup/", {"email": "ben@example.org", "newsletter": "the-week"}))


def test_no_page_with_a_token_or_an_address_is_published(reader, public, settings):
    call_command("publish", "--all", verbosity=0)
    files = public.files()
    assert files, "the site was published"
    assert not [f for f in files if f.startswith(("newsletter/preferences", "newsletter/confirm", "newsletter/unsubscribe"))]
    assert not any("ana@example.org" in (public.path / f).read_text(errors="ignore") for f in files)
