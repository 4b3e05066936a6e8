"""Signing up for the newsletter in a real browser: in place with JavaScript, as a plain form
without it, then confirming from the email; nothing loaded from anywhere but the site."""

import re

import pytest
from playwright.sync_api import expect
from wagtail.models import Site

from samizdat.core.models import NewsroomSettings, StandardPage
from samizdat.newsletter.models import Newsletter, Subscription
from tests.factories import home_page, make_article, make_section
from tests.newsletter.smtp import SMTPServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def smtp(settings):
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "samizdat.newsletter.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    yield server
    server.stop()


@pytest.fixture
def article():
    Newsletter.objects.create(name="The Week", slug="the-week", promoted=True,
                              description="A hand-picked selection of news, features, analysis and more, every Friday.")
    privacy = StandardPage(title="Privacy policy", slug="privacy")
    home_page().add_child(instance=privacy)
    privacy.save_revision().publish()
    newsroom = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    newsroom.privacy_policy_page = privacy
    newsroom.save()
    return make_article(make_section("News"), "Council approves the tram line")


def assert_nothing_went_wrong(reader):
    assert reader.problems() == {
        "requests to other hosts": [], "error responses": [], "failed requests": [], "console errors": [], "page errors": [],
    }


def confirm_link(mail):
    return re.search(r"(http://\S+/newsletter/confirm/\S+/)", mail.part("text/plain")).group(1)


def test_a_reader_signs_up_in_place_and_confirms_from_the_email(reader, article, smtp):
    page = reader.page
    reader.open(article.url)
    block = page.locator("section.newsletter-signup")
    expect(block.get_by_role("heading", name="Sign up for our free weekly newsletter")).to_be_visible()
    expect(block.get_by_role("link", name="Privacy Policy")).to_have_attribute("href", "/privacy/")
    block.get_by_label("Email address").fill("reader@example.org")
    block.get_by_role("button", name="Sign up").click()
    expect(block.get_by_role("status")).to_contain_text("check your inbox")
    assert page.url == reader.server_url + article.url  # answered in place
    expect(block.get_by_label("Email address")).to_have_value("")
    [mail] = smtp.to("reader@example.org")
    reader.screenshot("newsletter-signup.png")

    page.goto(confirm_link(mail))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your subscription")
    assert Subscription.objects.get().status == Subscription.PENDING  # opening the link only asks
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You're subscribed")
    assert Subscription.objects.get().status == Subscription.ACTIVE
    assert_nothing_went_wrong(reader)


def test_without_javascript_the_form_posts_and_shows_a_page(chromium, live_server, settings, article, smtp):
    settings.SITE_URL = live_server.url
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + article.url)
    page.get_by_label("Email address").fill("reader@example")  # the browser lets it through; we don't
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("alert")).to_contain_text("doesn't look like an email address")
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert page.url == live_server.url + "/newsletter/signup/"
    assert len(smtp.to("reader@example.org")) == 1
    context.close()


def test_the_preview_link_shows_a_sample_before_the_first_send(reader, article):
    reader.open("/newsletter/")
    reader.page.get_by_role("link", name="Preview").click()
    expect(reader.page.get_by_role("heading", level=1)).to_have_text("A sample of The Week")
    expect(reader.page.get_by_role("link", name="Council approves the tram line")).to_be_visible()
    assert_nothing_went_wrong(reader)
