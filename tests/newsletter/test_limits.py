"""Signup floods: one inbox signed up under +tag variants gets at most a few confirmations a day,
a flood from one address or for one inbox is answered 429, and readers elsewhere never notice."""

import html

import pytest

from samizdat.newsletter.limits import mailbox
from samizdat.newsletter.models import Subscriber

pytestmark = pytest.mark.django_db


def sign_up(client, email, **headers):
    return client.post("/newsletter/signup/", {"email": email, "newsletter": "the-week"}, **headers)


def text(response):
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("typed, inbox", [
    ("Reader+news@Example.org", "reader@example.org"),
    ("reader+a+b@example.org", "reader@example.org"),
    ("R.e.a.d.e.r+x@GoogleMail.com", "reader@gmail.com"),
    ("first.last@example.org", "first.last@example.org"),  # dots matter outside Gmail
    ('"reader"@example.org', "reader@example.org"),  # quoted: the same inbox
    ('"re\\ader"@example.org', "reader@example.org"),
])
def test_spellings_of_one_inbox_count_as_one(typed, inbox):
    assert mailbox(typed) == inbox


def test_41_signups_of_tag_variants_send_at_most_three_confirmations_to_one_inbox(client, smtp, the_week, settings):
    settings.LIMIT_SIGNUPS_PER_MAILBOX = None  # the per-inbox 429 off: the daily email limit alone
    settings.LIMIT_SIGNUPS_PER_CLIENT = None
    settings.LIMIT_CONFIRMATIONS_PER_MAILBOX = "3/d"
    answers = [sign_up(client, f"victim+{n}@example.org") for n in range(41)]
    assert len(smtp.received) == 3
    # Past the limit the answer is the very same: the form tells nobody what happened.
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    # The day's limit is the inbox's, not the spelling's.
    sign_up(client, "Victim@Example.org")
    assert len(smtp.received) == 3


def test_quoted_spellings_of_an_inbox_are_refused_clearly_and_send_nothing(client, smtp, the_week, settings):
    settings.LIMIT_SIGNUPS_PER_MAILBOX = None
    settings.LIMIT_SIGNUPS_PER_CLIENT = None
    for typed in ['"victim"@example.org', '"vic\\tim"@example.org']:
        response = sign_up(client, typed)
        assert response.status_code == 400 and "without quotation marks" in text(response)
    assert smtp.received == [] and not Subscriber.objects.exists()


def test_a_flood_for_one_inbox_is_answered_429_with_a_page_and_retry_after(client, smtp, the_week, settings):
    settings.LIMIT_SIGNUPS_PER_MAILBOX = "10/d"
    answers = [sign_up(client, f"victim+{n}@example.org", REMOTE_ADDR=f"203.0.113.{n}") for n in range(41)]
    assert [a.status_code for a in answers] == [200] * 10 + [429] * 31
    page = answers[-1]
    assert "Too many tries" in text(page) and 'class="site-header"' in text(page)  # the site's own look
    assert 0 < int(page["Retry-After"]) <= 86400
    assert len(smtp.received) <= 3
    assert Subscriber.objects.count() == 10  # nothing past the limit was kept


def test_a_flood_from_one_client_is_429_and_another_client_is_not_affected(client, smtp, the_week, settings):
    settings.LIMIT_SIGNUPS_PER_CLIENT = "30/d"
    answers = [sign_up(client, f"reader{n}@example.org", REMOTE_ADDR="203.0.113.5") for n in range(35)]
    assert [a.status_code for a in answers] == [200] * 30 + [429] * 5
    other = sign_up(client, "neighbour@example.org", REMOTE_ADDR="198.51.100.20")
    assert other.status_code == 200
    assert len(smtp.to("neighbour@example.org")) == 1


def test_a_forged_x_forwarded_for_does_not_escape_the_limit(client, smtp, the_week, settings):
    settings.TRUSTED_PROXIES = []
    settings.LIMIT_SIGNUPS_PER_CLIENT = "5/d"
    answers = [sign_up(client, f"reader{n}@example.org", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
               for n in range(8)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 3


def test_a_reader_under_the_limits_is_never_blocked(client, smtp, the_week):
    # Defaults: a reader who mistypes, signs up twice and to two newsletters meets no limit.
    for email in ("reader@example", "reader@example.org", "reader@example.org", "Reader@example.org"):
        assert sign_up(client, email).status_code in (200, 400)
    assert sign_up(client, "reader@example.org").status_code == 200
    assert len(smtp.to("reader@example.org")) == 1


def test_past_the_limit_the_signup_script_gets_json_it_can_show(client, the_week, settings):
    settings.LIMIT_SIGNUPS_PER_CLIENT = "1/d"
    settings.MIRROR_URLS = ["https://mirror.example"]
    sign_up(client, "a@example.org")
    response = sign_up(client, "b@example.org", HTTP_ACCEPT="application/json", HTTP_ORIGIN="https://mirror.example")
    assert response.status_code == 429
    assert response.json()["ok"] is False and "try again" in response.json()["message"]
    assert response["Retry-After"].isdigit()
    # A mirror's script can read the answer, so the reader sees why.
    assert response["Access-Control-Allow-Origin"] == "https://mirror.example"


@pytest.mark.parametrize("email", ["", "x" * 5000, "a@b@c", "\x00@example.org", "reader+@example.org", "+@gmail.com", "@"])
def test_garbled_addresses_get_a_clear_error_and_never_a_500_even_in_a_flood(client, the_week, settings, email):
    settings.LIMIT_SIGNUPS_PER_MAILBOX = "2/d"
    answers = [sign_up(client, email, HTTP_ACCEPT=accept) for accept in ("text/html", "application/json") * 2]
    assert all(a.status_code in (200, 400, 429) for a in answers)


def test_typos_are_not_counted_against_one_shared_inbox(client, the_week, settings):
    settings.LIMIT_SIGNUPS_PER_MAILBOX = "2/d"
    for n in range(5):
        sign_up(client, "not an address", REMOTE_ADDR=f"203.0.113.{n}")
    # Another reader's typo is still told what is wrong, not to wait.
    response = sign_up(client, "also not an address", REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 400 and "doesn't look like an email address" in text(response)
