"""The admin's own Content-Security-Policy lets Wagtail work: the dashboard, the page editor with
its image chooser, an image upload and the newsletter edition's live progress and preview raise no
violation in Chromium, and nothing is loaded from another host."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from samizdat.newsletter.models import Edition, Newsletter
from tests.browser.conftest import DESKTOP, _plain_static_names
from tests.browser.test_content_security_policy import LISTEN_FOR_VIOLATIONS
from tests.factories import make_article, make_image, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def editor(chromium, live_server, settings):
    """A signed-in administrator's browser, recording violations, errors and where it went."""
    settings.SITE_URL = live_server.url
    _plain_static_names(settings)
    User.objects.create_superuser("chief", "chief@example.org", "pw-chief-123")
    context = chromium.new_context(**DESKTOP)
    page = context.new_page()
    page.violations, page.errors, page.hosts, page.policies = [], [], set(), []
    context.expose_function("cspViolation", lambda text: page.violations.append(text))
    context.add_init_script(LISTEN_FOR_VIOLATIONS)
    page.on("console", lambda message: message.type == "error" and page.errors.append(f"{message.text} {message.location}"))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("request", lambda request: request.url.startswith("http") and page.hosts.add(urlsplit(request.url).netloc))
    page.on("response", lambda response: response.request.resource_type == "document" and page.policies.append(
        response.headers.get("content-security-policy")))
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill("pw-chief-123")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    yield page
    context.close()


def assert_admin_policy_kept(page, live_server):
    assert page.violations == []
    assert page.errors == []
    assert page.hosts == {urlsplit(live_server.url).netloc}
    assert page.policies and all(policy and "default-src 'self'" in policy for policy in page.policies)


def test_the_dashboard_page_editor_and_image_chooser_work_under_the_admins_policy(editor, live_server, tmp_path):
    article = make_article(make_section("News"), "Harbour cranes fall silent",
                           image=make_image("Idle cranes", colour=(120, 60, 30)))
    page = editor
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    expect(page.locator("#id_title")).to_have_value("Harbour cranes fall silent")
    chooser_field = page.locator("#id_lead_image-chooser")
    chooser_field.get_by_role("button", name="Actions").click()
    chooser_field.get_by_role("button", name="Change image").click()
    chooser = page.locator(".modal-dialog")
    expect(chooser.get_by_text("Idle cranes").first).to_be_visible()
    chooser.get_by_role("link", name="Idle cranes").first.click()
    expect(chooser).to_be_hidden()
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/admin/images/multiple/add/")
    make_image_file(tmp_path / "quay.png")
    page.locator("input[type=file]").set_input_files(tmp_path / "quay.png")
    expect(page.get_by_text("Upload successful").first).to_be_visible()
    assert_admin_policy_kept(page, live_server)


def test_the_newsletter_editions_progress_and_preview_work_under_the_admins_policy(editor, live_server):
    newsletter = Newsletter.objects.create(name="The Week", slug="the-week")
    edition = Edition.objects.create(newsletter=newsletter, subject="Trams and ferries", intro="Hello.",
                                     status=Edition.SENDING, started_at=timezone.now(),
                                     email_html="<p>Hello.</p>", email_text="Hello.")
    page = editor
    page.goto(f"{live_server.url}/admin/newsletter/editions/{edition.pk}/")
    expect(page.frame_locator("iframe[title='HTML preview']").locator("body")).to_be_visible()
    page.wait_for_timeout(1500)  # the progress script has asked at least once
    assert_admin_policy_kept(page, live_server)


def make_image_file(path):
    Image.new("RGB", (64, 48), (30, 90, 150)).save(path)
