"""The Content-Security-Policy in Chromium: a reader goes through the front page, a section, an
article, search, the support and newsletter pages, signs up in place and gives through the donate
form, served by Django and then as published files on the fast path; every page comes with the
policy and the browser reports no violation. The admin's own policy lets Wagtail work."""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from socketserver import ThreadingMixIn
from types import SimpleNamespace
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from playwright.sync_api import expect

from samizdat.newsletter.models import Newsletter, Subscription
from samizdat.publishing.mirror import build_mirror
from samizdat.publishing.publish import publish_urls
from samizdat.publishing.serving import StaticFirst
from samizdat.support.models import Appeal, Donation, support_settings
from samizdat.support.providers.test.models import TestPaymentSettings
from samizdat.support.providers.stripe.conf import checkout_origin
from tests.browser.conftest import DESKTOP, _open_reader, _plain_static_names
from tests.support.conftest import staff_set
from tests.support.fake_stripe import SECRET_KEY, FakeStripe
from tests.factories import make_article, make_image, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STORY = "Harbour cranes fall silent as dockers strike"
# Runs in every page before its own scripts: each violation the browser sees is handed to the test.
LISTEN_FOR_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolation(`${event.violatedDirective} blocked ${event.blockedURI} in ${event.documentURI}`);
});
"""


@pytest.fixture
def newsroom(db, settings):
    settings.SUPPORT_TEST_PAYMENTS = True  # as DEBUG or a demo has it
    staff_set(TestPaymentSettings, enabled=True)
    staff = support_settings()
    staff.suggested_amounts = "EUR once: 25, 50\nEUR monthly: 5, 10, 20"
    staff.save()
    Appeal.objects.create(name="Banner", placement="banner", heading="Support samizdat!",
                          body="<p>Independent news needs you.</p>", show_form=False)
    Newsletter.objects.create(name="The Week", slug="the-week", promoted=True, description="Every Friday.")
    section = make_section("News")
    article = make_article(section, STORY, tags=["port"], image=make_image("Idle cranes", colour=(120, 60, 30)))
    return SimpleNamespace(section=section, article=article)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@pytest.fixture
def fast_path(public, settings):
    """The embedded server as readers meet it: StaticFirst answering from the published files."""
    httpd = make_server("127.0.0.1", 0, StaticFirst(WSGIHandler()), server_class=ThreadingServer,
                        handler_class=QuietHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{httpd.server_port}")
    httpd.shutdown()
    thread.join()
    httpd.server_close()
    connections.close_all()


def watched_reader(chromium, server, settings):
    """A browser on `server` that records CSP violations and each page's policy header."""
    settings.SITE_URL = server.url
    _plain_static_names(settings)
    context, reader = _open_reader(chromium, server, **DESKTOP)
    reader.violations, reader.policies = [], {}
    context.expose_function("cspViolation", lambda text: reader.violations.append(text))
    context.add_init_script(LISTEN_FOR_VIOLATIONS)
    reader.page.on("response", lambda response: response.request.resource_type == "document" and reader.policies.update(
        {response.url: response.headers.get("content-security-policy")}))
    return context, reader


def read_donate_and_sign_up(reader, newsroom):
    page = reader.page
    for path in ("/", newsroom.section.url, "/newsletter/", "/search/?q=cranes"):
        reader.open(path)
        page.wait_for_load_state("networkidle")
    expect(page.get_by_role("link", name=STORY).first).to_be_visible()  # search found it

    reader.open(newsroom.article.url)
    expect(page.get_by_role("heading", level=1, name=STORY)).to_be_visible()
    expect(page.locator("[data-support-slot=banner] .support-appeal")).to_contain_text("Support samizdat!")  # appeals.js ran
    block = page.locator("section.newsletter-signup")
    block.get_by_label("Email address").fill("reader@example.org")
    block.get_by_role("button", name="Sign up").click()
    expect(block.get_by_role("status")).to_contain_text("check your inbox")  # signup.js sent it in place
    assert page.url == reader.server_url + newsroom.article.url

    reader.open("/support/")
    form = page.locator("main form.donate-form")
    form.get_by_text("Monthly", exact=True).click()
    form.locator("[data-frequency=monthly]").get_by_text("€10", exact=True).click()
    form.get_by_role("button", name="Continue").click()
    expect(page.locator(".test-checkout-summary")).to_have_text("You are giving €10 every month.")
    page.get_by_label("Email").fill("giver@example.org")
    page.get_by_role("button", name="Pay €10").click()
    expect(page.locator("main")).to_contain_text("Your monthly donation of €10 has arrived.")
    assert Donation.objects.get().amount == 1000


def assert_policy_kept(reader):
    assert reader.violations == []
    assert reader.console_errors == [] and reader.page_errors == [] and reader.foreign_requests() == []
    assert len(reader.policies) >= 8, reader.policies
    for url, policy in reader.policies.items():
        assert policy is not None, f"{url} came without a Content-Security-Policy"
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "'unsafe-inline'" not in policy


def test_readers_pages_signup_and_donate_from_django_keep_the_policy(newsroom, chromium, live_server, settings):
    context, reader = watched_reader(chromium, live_server, settings)
    try:
        read_donate_and_sign_up(reader, newsroom)
        assert_policy_kept(reader)
    finally:
        context.close()


def test_readers_pages_signup_and_donate_from_published_files_keep_the_policy(newsroom, chromium, fast_path, public, settings):
    settings.SITE_URL = fast_path.url
    settings.PUBLISHING_ENABLED = False  # published below, once, not again by each save
    pages = ["/", newsroom.section.url, newsroom.article.url, "/support/", "/newsletter/", "/support/appeals.json"]
    publish_urls(pages)
    for path in pages[:-1]:
        public.file(path).write_text(public.text(path).replace("</body>", "<!-- from the file --></body>"))
        for twin in public.file(path).parent.glob("index.html.*"):
            twin.unlink()  # the marked file alone, whatever the browser accepts
    context, reader = watched_reader(chromium, fast_path, settings)
    try:
        for path in pages[:-1]:
            reader.open(path)
            assert "<!-- from the file -->" in reader.page.content(), path  # the fast path answered
        read_donate_and_sign_up(reader, newsroom)
        assert_policy_kept(reader)
    finally:
        context.close()


def test_a_page_that_tries_an_inline_script_is_stopped_and_the_browser_says_so(newsroom, chromium, fast_path, public, settings):
    """The listener is not blind: an injected inline script is blocked and reported."""
    settings.PUBLISHING_ENABLED = False
    publish_urls([newsroom.article.url])
    public.file(newsroom.article.url).write_text(
        public.text(newsroom.article.url).replace("</body>", "<script>document.title = 'owned'</script></body>"))
    for twin in public.file(newsroom.article.url).parent.glob("index.html.*"):
        twin.unlink()
    context, reader = watched_reader(chromium, fast_path, settings)
    try:
        reader.open(newsroom.article.url)
        reader.page.wait_for_load_state("networkidle")
        assert "document.title = 'owned'" in reader.page.content()  # the script is in the page
        assert reader.page.title() != "owned"
        assert any(violation.startswith("script-src") for violation in reader.violations), reader.violations
    finally:
        context.close()


class QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_a_mirror_sends_the_signup_to_the_app_under_its_own_policy(newsroom, chromium, live_server, public, settings, tmp_path):
    """A mirror's host sends no policy of ours: its pages carry one, which lets the signup reach the app."""
    settings.SITE_URL = live_server.url
    settings.PUBLISHING_ENABLED = False
    publish_urls(["/", newsroom.article.url, "/support/appeals.json"])
    files = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietFiles, directory=str(tmp_path / "mirror")))
    mirror = SimpleNamespace(url=f"http://127.0.0.1:{files.server_port}")
    settings.MIRROR_URLS = [mirror.url]
    build_mirror(tmp_path / "mirror", mirror.url, api_origin=live_server.url)
    threading.Thread(target=files.serve_forever, daemon=True).start()
    context, reader = watched_reader(chromium, mirror, settings)
    settings.SITE_URL = live_server.url
    try:
        reader.open(newsroom.article.url + "index.html")
        assert list(reader.policies.values()) == [None]  # the mirror's host sent none: the page's <meta> rules
        policy = reader.page.locator("meta[http-equiv=Content-Security-Policy]").get_attribute("content")
        assert "script-src 'self'" in policy and f"connect-src 'self' {live_server.url}" in policy
        block = reader.page.locator("section.newsletter-signup")
        block.get_by_label("Email address").fill("reader@example.org")
        block.get_by_role("button", name="Sign up").click()
        expect(block.get_by_role("status")).to_contain_text("check your inbox")
        assert Subscription.objects.count() == 1
        assert reader.violations == [] and reader.page_errors == []
    finally:
        context.close()
        files.shutdown()
        files.server_close()


def test_the_donate_form_sends_the_reader_on_to_stripe_checkout_which_the_policy_allows(newsroom, chromium, live_server, settings):
    """The form posts to the site, which answers 303 to Stripe's page: form-action covers that redirect."""
    stripe = FakeStripe().start()
    settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE, settings.STRIPE_TIMEOUT = SECRET_KEY, stripe.url, 5
    context, reader = watched_reader(chromium, live_server, settings)
    # The closed network has no Stripe: the browser is handed a stand-in page once it gets that far.
    reader.page.route(checkout_origin() + "/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>Stripe Checkout</title><h1>Pay with Stripe</h1>"))
    try:
        reader.open("/support/")
        assert f"form-action 'self' {checkout_origin()}" in reader.policies[live_server.url + "/support/"]
        form = reader.page.locator("main form.donate-form")
        form.locator("[data-frequency=once]").get_by_text("€25", exact=True).click()
        form.get_by_text("Card and more (Stripe)").click()
        form.get_by_role("button", name="Continue").click()
        expect(reader.page.get_by_role("heading", name="Pay with Stripe")).to_be_visible()
        assert reader.page.url.startswith(checkout_origin() + "/c/pay/")
        assert reader.violations == []
    finally:
        context.close()
        stripe.stop()
