"""Sending through an email service (django-anymail's Mailgun backend, its API on a local HTTP
server): one API call per batch of readers, each reader's own links filled in by the service;
a refused call pauses the send and suppresses nobody."""

import json
import re

import pytest
from django.test import Client

from samizdat.newsletter import schedule
from samizdat.newsletter.models import Delivery, Edition, EditionArticle, Subscription, Suppression
from tests.factories import make_article, make_section

from .conftest import subscribe
from .email_service import EmailService

pytestmark = pytest.mark.django_db

UNSUBSCRIBE_LINK = re.compile(r"https://courier\.example/newsletter/unsubscribe/[^/\s\"<>]+/")


@pytest.fixture
def service(settings):
    service = EmailService().start()
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    settings.ANYMAIL = {"MAILGUN_API_KEY": "key-test", "MAILGUN_API_URL": service.url}
    settings.NEWSLETTER_CONCURRENCY = 1
    settings.NEWSLETTER_CHUNK_SIZE = 10
    yield service
    service.stop()


@pytest.fixture
def edition(the_week):
    story = make_article(make_section("News"), "Night ferry returns", standfirst="From March.")
    edition = Edition.objects.create(newsletter=the_week, subject="The Week: ferries", intro="Good morning.")
    EditionArticle.objects.create(edition=edition, article=story, sort_order=0)
    return edition


def send(edition):
    schedule.approve(edition, send_now=True)  # tasks run at once in the tests
    edition.refresh_from_db()
    return edition


def test_an_email_service_gets_one_call_per_batch_and_each_reader_their_own_links(service, edition, the_week):
    people = subscribe(the_week, *[f"reader{n}@example.org" for n in range(25)])
    send(edition)
    assert edition.status == Edition.SENT
    assert len(service.calls) == 3  # 10 + 10 + 5 readers, not 25 calls
    assert sorted(len(call.values("to")) for call in service.calls) == [5, 10, 10]
    assert all(call.path == "/v3/courier.example/messages" for call in service.calls)
    copies = service.copies()
    assert sorted(copy.to for copy in copies) == sorted(person.email for person in people)
    links = set()
    for copy in copies:
        [link] = set(UNSUBSCRIBE_LINK.findall(copy.text))
        assert link in copy.html
        assert copy.headers["List-Unsubscribe"] == f"<{link}>"
        assert copy.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert copy.subject == "The Week: ferries" and "Night ferry returns" in copy.html
        assert "%%samizdat" not in copy.text + copy.html + json.dumps(copy.headers)
        links.add(link)
    assert len(links) == 25 and len({copy.headers["Message-Id"] for copy in copies}) == 25
    # Each link is that reader's: following reader7's unsubscribes reader7, and nobody else.
    reader7 = next(copy for copy in copies if copy.to == "reader7@example.org")
    Client().post(UNSUBSCRIBE_LINK.search(reader7.text).group(0).removeprefix("https://courier.example"), {"List-Unsubscribe": "One-Click"})
    assert list(Subscription.objects.filter(status=Subscription.UNSUBSCRIBED).values_list("subscriber__email", flat=True)) == [
        "reader7@example.org"
    ]
    assert Delivery.objects.filter(edition=edition, status=Delivery.SENT).count() == 25


def test_the_service_is_told_which_delivery_each_reader_is(service, edition, the_week):
    subscribe(the_week, "ana@example.org", "ben@example.org")
    send(edition)
    [call] = service.calls
    variables = json.loads(call.value("recipient-variables"))
    deliveries = dict(Delivery.objects.filter(edition=edition).values_list("subscriber__email", "pk"))
    assert {email: variables[email]["v:delivery"] for email in deliveries} == {email: str(pk) for email, pk in deliveries.items()}


def test_a_refused_api_key_pauses_the_send_after_one_call_and_suppresses_nobody(service, edition, the_week):
    subscribe(the_week, *[f"reader{n}@example.org" for n in range(25)])
    service.answer = (401, {"message": "Invalid private key"})
    send(edition)
    assert edition.status == Edition.PAUSED
    assert "ANYMAIL" in edition.pause_reason
    assert len(service.calls) == 1  # not one per reader, nor one per batch
    assert not Suppression.objects.exists()
    assert Delivery.objects.filter(edition=edition, status=Delivery.PENDING).count() == 25
    service.answer = (200, {"id": "<queued@mg.courier.example>", "message": "Queued. Thank you."})
    service.calls.clear()
    schedule.resume(edition.pk)
    edition.refresh_from_db()
    assert edition.status == Edition.SENT
    assert sorted(copy.to for copy in service.copies()) == sorted(f"reader{n}@example.org" for n in range(25))


def test_a_service_failing_every_call_pauses_the_send_counting_a_call_once(service, edition, the_week, settings):
    settings.NEWSLETTER_CONNECTION_FAILURES = 3
    settings.NEWSLETTER_RETRY_DELAY = 60  # the readers of a failed call wait; the next call is others
    subscribe(the_week, *[f"reader{n}@example.org" for n in range(25)])
    service.answer = (503, {"message": "Service Unavailable"})
    send(edition)
    assert edition.status == Edition.PAUSED
    assert len(service.calls) == 3  # three failed calls in a row, whatever the readers each carried
    # A failed call's readers are not sent again one by one: each call carried other readers.
    carried = [to for call in service.calls for to in call.values("to")]
    assert sorted(carried) == sorted(f"reader{n}@example.org" for n in range(25))
    assert not Suppression.objects.exists()
    assert not Delivery.objects.filter(edition=edition, status__in=[Delivery.SENT, Delivery.FAILED]).exists()


def test_one_invalid_address_in_a_batch_costs_only_that_reader(service, edition, the_week):
    """The service refuses a whole call (400) for one address it calls invalid: the batch is tried
    again reader by reader, everyone else gets the edition, and nobody is suppressed."""
    subscribe(the_week, *[f"reader{n}@example.org" for n in range(5)], "bad@example.org")
    service.invalid = {"bad@example.org"}
    send(edition)
    assert edition.status == Edition.SENT
    assert sorted(copy.to for copy in service.copies()) == sorted(f"reader{n}@example.org" for n in range(5))
    failed = Delivery.objects.get(edition=edition, status=Delivery.FAILED)
    assert failed.subscriber.email == "bad@example.org"
    assert not Suppression.objects.exists()


def test_a_service_that_says_slow_down_is_tried_again_not_paused_at_once(service, edition, the_week, settings):
    """429 is the service's rate limit: the readers wait and are tried again; only a service that
    keeps saying it (NEWSLETTER_CONNECTION_FAILURES calls in a row) pauses the send for a person."""
    settings.NEWSLETTER_CONNECTION_FAILURES = 3
    settings.NEWSLETTER_RETRY_DELAY = 60
    subscribe(the_week, *[f"reader{n}@example.org" for n in range(25)])
    service.answer = (429, {"message": "Too many requests"})
    send(edition)
    assert len(service.calls) == 3  # three calls before a person is asked, not a pause at the first
    assert edition.status == Edition.PAUSED and "ANYMAIL" not in edition.pause_reason
    assert not Suppression.objects.exists()
    assert not Delivery.objects.filter(edition=edition, status__in=[Delivery.SENT, Delivery.FAILED]).exists()
