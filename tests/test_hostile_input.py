"""No 500 on any input. Every public address, found by walking the URLconf (so one added later is
sent the same), gets a corpus of hostile values: overlong strings, non-ASCII digits, NUL bytes,
huge and negative numbers, wrong types, malformed and wrong-shaped JSON, malformed CSV and XML,
bad UTF-8 and bad percent-encoding, in the path, the query string, its forms' fields and raw
bodies. Whatever a reader, a bot or a payment provider sends, the answer is never a 500.

The faults an outside tester found, one test each asserting what the person sees, are in
tests/newsletter/test_no_500.py and tests/support/test_stripe_no_500.py."""

import base64
import inspect
import re
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from samizdat.newsletter.models import Edition, EditionArticle, Newsletter, Subscriber, Subscription
from samizdat.newsletter.tokens import confirm_token, preferences_token, unsubscribe_token
from samizdat.support.manage_links import manage_token
from samizdat.support.models import RecurringDonation
from samizdat.support.providers.base import DonationRequest, ReturnUrls
from samizdat.support.providers.manual.models import ManualPaymentSettings
from samizdat.support.providers.manual.provider import ManualProvider
from samizdat.support.providers.test.models import TestPaymentSettings
from samizdat.support.providers.test.provider import TestProvider
from tests.factories import make_article, make_author, make_image, make_section
from tests.news.conftest import built_once, shared_media  # noqa: F401
from tests.support.conftest import fake_stripe, staff_set  # noqa: F401
from tests.support.fake_stripe import sign

pytestmark = pytest.mark.django_db

# Wagtail's admin is for logged-in staff; the one admin form readers' data comes through (the CSV
# import) has its own test below.
NOT_PUBLIC = ("admin/",)

# Text values a form field or query parameter may be given.
HOSTILE_VALUES = [
    "",
    "²",
    "٣",
    "١٢٣",
    "\x00",
    "a\x00b",
    "x" * 20_000,
    "9" * 5000,
    "-1",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "10" + "0" * 30,
    "12,50.3",
    "[]",
    "{}",
    "null",
    "true",
    "%",
    "%ff",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "ǅ\u202e\ufeff",
]

# The sharpest of them, tried in each form field in turn (all of them go in every field at once).
SHARPEST = ["", "²", "٣", "\x00", "x" * 20_000, "9" * 5000, "-1", "10" + "0" * 30, "[]"]

# Values put in the address itself, percent-encoded as a browser would, or not at all.
HOSTILE_PATH_PARTS = ["%00", "%ff%fe", "%", "%zz", quote("²"), quote("٣"), "9" * 5000, "-1", "x" * 3000, "..", quote("a b")]

# Bodies sent whole, with the content type they claim.
DEEP = "[" * 100_000 + "]" * 100_000
HOSTILE_BODIES = [
    ("application/json", b'{"a": '),
    ("application/json", b"[1, 2, 3]"),
    ("application/json", b'"just a string"'),
    ("application/json", b"null"),
    ("application/json", b"12"),
    ("application/json", b'{"data": {"object": [[{"amount": -1}]]}, "type": ["x"], "id": {}}'),
    ("application/json", DEEP.encode()),
    ("application/json", b'{"n": ' + b"9" * 5000 + b"}"),
    ("application/json", b'{"n": 1e999999}'),
    ("application/json", b"\xff\xfe{\x00}"),
    ("application/json", b'{"RecordType": "Bounce", "Email": ["a@example.org"], "Type": null}'),
    ("application/json", b'[{"event": "bounce", "email": 5, "timestamp": "soon"}]'),
    ("text/csv", b'email,name\n"unclosed,quote\n\x00,\xff\n' + b"x" * 200_000),
    ("application/xml", b"<a><b></a>"),
    ("application/xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><x>&b;</x>'),
    ("application/x-www-form-urlencoded", b"a=%ff&b=%&c=%zz&d=%00&newsletter=%c2%b2&email=%e0%80"),
    ("application/x-www-form-urlencoded", b"\xff\xfe=\xff&" + b"k=v&" * 2000),
    ("multipart/form-data; boundary=zzz", b"--zzz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\r\n--zz"),
    ("multipart/form-data", b"no boundary at all"),
    ("text/plain", b"\x00" * 1000),
]

# Names a view reads from a request, when they are not in a form on its page: the query string
# (request.GET.get("q")) and posted forms (request.POST.get("amount"), data.get(...), form.getlist(...)).
READS_QUERY = re.compile(r"""\bGET\s*\.\s*(?:get|getlist)\(\s*["']([\w-]+)["']""")
READS_FORM = re.compile(r"""\b(?:POST|data|form)\s*\.\s*(?:get|getlist)\(\s*["']([\w-]+)["']""")
ALWAYS_TRIED = {"q", "p", "page", "currency", "d", "newsletter", "email", "amount"}


# The URLconf, walked


def public_patterns(patterns=None, prefix=""):
    """(route, URLPattern) for every address outside the admin, as the URLconf has them now."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(NOT_PUBLIC):
            continue
        if isinstance(pattern, URLResolver):
            found += public_patterns(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            found.append((route, pattern))
    return found


# Addresses written as regular expressions can't be filled in by their converters: examples.
REGEX_EXAMPLES = {
    "documents/^(\\d+)/(.*)$": ["documents/1/report.pdf"],
    "newsletter/webhooks/^mailgun/inbound(_mime)?/$": ["newsletter/webhooks/mailgun/inbound/", "newsletter/webhooks/mailgun/inbound_mime/"],
    "^media/(?P<path>.*)$": ["media/original_images/none.jpg", "media/../settings.py"],
    "^((?:[\\w\\-]+/)*)$": ["", "news/", "news/harbour-cranes-fall-silent/", "no-such-page/"],
}

# A converter's stand-in when the site has no better value to give.
CONVERTER_EXAMPLES = {"int": "1", "slug": "news", "anyslug": "news", "feedkind": "rss", "str": "anything", "path": "x"}
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def fill(route, values):
    return "/" + PARAMETER.sub(lambda m: values.get(m.group("name")) or CONVERTER_EXAMPLES[m.group("converter") or "str"], route)


def addresses(route, pattern, site):
    """The real addresses one pattern answers at: with the site's own tokens and slugs (so the page
    behind a signed link is reached), and with each hostile value in place of each parameter."""
    if isinstance(pattern.pattern, RegexPattern):
        assert route in REGEX_EXAMPLES, f"a new public address {route!r}: add examples to REGEX_EXAMPLES"
        return ["/" + example for example in REGEX_EXAMPLES[route]]
    good = site.get(route, {})
    urls = [fill(route, good)]
    for match in PARAMETER.finditer(route):
        urls += [fill(route, {**good, match.group("name"): part}) for part in HOSTILE_PATH_PARTS]
    return urls


def source_of(pattern):
    """The view function's own text; a class-based view's whole module (anymail's parsers)."""
    view = inspect.unwrap(pattern.callback)
    view = inspect.getmodule(view.view_class) if hasattr(view, "view_class") else view
    try:
        return inspect.getsource(view)
    except (TypeError, OSError):
        return ""


def names_read_by(pattern, reads):
    """Names the view reads, by the `reads` expression."""
    return set(reads.findall(source_of(pattern)))


def is_ours(pattern):
    return inspect.unwrap(pattern.callback).__module__.startswith("samizdat.")


def reads_posts(pattern, page):
    """Whether the view reads what is posted to it: a form of its own on the page, or a view that
    reads request.POST or the raw body. The others (feeds, pages) answer a POST as a GET."""
    source = source_of(pattern)
    return bool(READS_FORM.search(source)) or ".body" in source or "POST" in source or any(a in ("", page.wsgi_request.path) for a, _ in forms_on(page))


def forms_on(response):
    """(action, {name: value}) of each form a page posts, as a browser would submit it."""
    if "html" not in response.get("Content-Type", ""):
        return []
    found = []
    for form in BeautifulSoup(response.content, "html.parser").find_all("form", method=re.compile("post", re.I)):
        values = {}
        for field in form.find_all(["input", "select", "textarea", "button"]):
            name = field.get("name")
            if name and field.get("type") not in ("checkbox", "radio") or (name and field.has_attr("checked")):
                values.setdefault(name, field.get("value", ""))
        found.append((form.get("action") or "", values))
    return found


# The site every address is tried against


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, shared_media):  # noqa: F811
    """A small newsroom with a story, a sent edition, a subscriber, donations and a manage link:
    every signed link readers get, so that what lies behind each is tried too."""
    with built_once(django_db_blocker, shared_media):
        section = make_section("News", "news")
        author = make_author("Irina Volkova", slug="irina-volkova")
        article = make_article(section, tags=["harbour"], authors=[author], image=make_image())
        week = Newsletter.objects.create(name="The Week", slug="the-week", description="Every Friday.", promoted=True)
        edition = Edition.objects.create(newsletter=week, subject="Hello", intro="Hi.", status=Edition.SENT)
        EditionArticle.objects.create(edition=edition, article=article, sort_order=0)
        reader = Subscriber.objects.create(email="ana@example.org")
        pending = Subscription.objects.create(subscriber=reader, newsletter=week, status=Subscription.PENDING, consent_text="test")
        staff_set(TestPaymentSettings, enabled=True)
        staff_set(ManualPaymentSettings, bank_transfer_details="IBAN DE00 0000 0000 0000 0000 00",
                  crypto_addresses="Bitcoin: bc1qexampleexampleexampleexample")
        recurring = RecurringDonation.objects.create(provider="test", provider_subscription_id="sub_t", amount=1000,
                                                     currency="EUR", frequency="monthly", email="ana@example.org")
        wanted = DonationRequest(1000, "EUR", "once", "test")
        urls = ReturnUrls(success="http://testserver/support/thanks/", cancel="http://testserver/support/")
        yield {
            "newsletter/confirm/<str:token>/": {"token": confirm_token(pending.pk)},
            "newsletter/unsubscribe/<str:token>/": {"token": unsubscribe_token(reader.pk, week.pk)},
            "newsletter/preferences/<str:token>/": {"token": preferences_token(reader.pk)},
            "newsletter/<slug:slug>/archive/": {"slug": "the-week"},
            "newsletter/<slug:slug>/archive/<int:pk>/": {"slug": "the-week", "pk": str(edition.pk)},
            "newsletter/<slug:slug>/preview/": {"slug": "the-week"},
            "support/test-checkout/<str:token>/": {"token": TestProvider().start_checkout(wanted, urls).split("/")[-2]},
            "support/transfer/<str:token>/": {"token": ManualProvider().start_checkout(wanted, urls).split("/")[-2]},
            "support/manage/<str:token>/": {"token": manage_token(recurring)},
            "support/webhooks/<str:provider_name>/": {"provider_name": "stripe"},
            "authors/<anyslug:slug>/": {"slug": "irina-volkova"},
            "authors/<anyslug:slug>/page/<int:number>/": {"slug": "irina-volkova"},
            "authors/<anyslug:slug>/<feedkind:kind>.xml": {"slug": "irina-volkova"},
            "tags/<anyslug:slug>/": {"slug": "harbour"},
            "tags/<anyslug:slug>/page/<int:number>/": {"slug": "harbour"},
            "tags/<anyslug:slug>/<feedkind:kind>.xml": {"slug": "harbour"},
            "sitemap-<slug:section>-<int:number>.xml": {"section": "articles"},
            "sitemap-<section>.xml": {"section": "articles"},
        }


@pytest.fixture
def media_in_tmp(settings, shared_media, site):  # noqa: F811
    settings.MEDIA_ROOT = shared_media


@pytest.fixture
def anyone(fake_stripe, settings):  # noqa: F811
    """A client that shows a 500 as a status code, with every outside service set up: Stripe's
    stand-in, and the email services' webhook secret (so their parsers are reached, not a 404)."""
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    settings.RATELIMIT_ENABLE = False  # hundreds of hostile values per address: each must reach the view, not a 429
    settings.SUPPORT_TEST_PAYMENTS = True  # so the test provider's checkout is tried too
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the login form is tried too
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"hook:secret").decode())


class Failures:
    def __init__(self):
        self.seen = []

    def check(self, response, what):
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            self.seen.append(f"{response.status_code} {what}" + (f": {error[0].__name__}: {str(error[1])[:120]}" if error else ""))
        return response

    def assert_none(self):
        assert not self.seen, f"{len(self.seen)} answers were 5xx:\n" + "\n".join(self.seen[:40])


def request(client, method, url, **kwargs):
    return getattr(client, method)(url, **kwargs)


def short(value):
    return repr(value if len(value) < 40 else value[:20] + f"…({len(value)})")


ROUTES = [route for route, _ in public_patterns()]


def test_the_sweep_finds_every_public_address():
    """The sweep below is made from the URLconf: a new address is tried without being listed."""
    routes = set(ROUTES)
    for expected in ("newsletter/signup/", "newsletter/preferences/<str:token>/", "support/donate/", "support/webhooks/<str:provider_name>/",
                     "newsletter/webhooks/postmark/tracking/", "search/", "sitemap-<section>.xml", "<feedkind:kind>.xml"):
        assert expected in routes
    assert not any(route.startswith("admin/") for route in routes)


@pytest.mark.parametrize("route", ROUTES)
def test_no_address_answers_500_to_hostile_input(route, site, anyone, settings):
    pattern = dict(public_patterns())[route]
    if route.startswith("newsletter/webhooks/"):  # only the webhook of the service mail goes through answers
        settings.EMAIL_BACKEND = f"anymail.backends.{route.split('/')[2]}.EmailBackend"
    failures = Failures()
    urls = addresses(route, pattern, site)
    url = urls[0]
    for method in ("get", "post", "head", "options", "put", "delete"):
        failures.check(request(anyone, method, url), f"{method.upper()} {url}")
    for other in urls[1:]:
        for method in ("get", "post"):
            failures.check(request(anyone, method, other), f"{method.upper()} {short(other)}")

    query_names = names_read_by(pattern, READS_QUERY) | ALWAYS_TRIED
    for value in HOSTILE_VALUES:
        failures.check(anyone.get(url, {name: value for name in query_names}), f"GET {url}?…={short(value)}")
    for raw in ("q=%ff%fe&p=%&page=%zz&d=%00", "q=%ed%a0%80&email=%c0%af", "p=" + "9" * 5000, "page=٣&p=²", "q=" + "%00" * 100, "%=%&&=="):
        failures.check(anyone.get(f"{url}?{raw}"), f"GET {url}?{short(raw)}")

    page = anyone.get(url)
    if reads_posts(pattern, page) and anyone.post(url).status_code != 405:
        # This address's own forms, as a browser fills them in, each field made hostile in turn.
        # (The signup block on every page posts to /newsletter/signup/, swept there.)
        forms = [values for action, values in forms_on(page) if action in ("", url)] or [{}]
        form_names = names_read_by(pattern, READS_FORM) if is_ours(pattern) else set()  # anymail's: bodies below
        for valid in forms:
            if not set(valid) | form_names:
                continue
            for value in HOSTILE_VALUES:
                failures.check(anyone.post(url, {**valid, **{name: value for name in set(valid) | form_names}}), f"POST {url} every field={short(value)}")
            for value in SHARPEST:
                for name in set(valid) | form_names:
                    failures.check(anyone.post(url, {**valid, name: value}), f"POST {url} {name}={short(value)}")
        for content_type, body in HOSTILE_BODIES:
            what = f"POST {url} {content_type} {short(body.decode('latin-1'))}"
            failures.check(anyone.post(url, body, content_type=content_type), what)
            # Signed as Stripe signs, so a payment provider's webhook reads it rather than refusing it unread.
            signed = anyone.post(url, body, content_type=content_type, HTTP_STRIPE_SIGNATURE=sign(body.decode("utf-8", "replace")))
            failures.check(signed, what + " (signed)")
    failures.assert_none()
