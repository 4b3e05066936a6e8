"""An editor's first sign-in with two-factor required, in a real browser: set up an app or a passkey, then sign in with it."""

import base64
import re

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect
from wagtail.models import ModelLogEntry

from tests.staff.helpers import PASSWORD, code_from_key, staff_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(reader, username, password):
    page = reader.page
    page.goto(f"{reader.server_url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_an_editor_sets_up_an_authenticator_then_signs_in_with_its_code(reader, settings):
    settings.STAFF_REQUIRE_2FA = True
    staff_member("irina", group="Editors")
    page = reader.page

    sign_in(reader, "irina", PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/staff/set-up/\?next="))
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator("[data-secret-qr] svg")).to_be_visible()  # drawn in the page, fetched from nowhere
    page.goto(f"{reader.server_url}/admin/pages/")  # the admin stays shut until it is done
    expect(page).to_have_url(re.compile(r"/admin/staff/set-up/\?next="))

    key = base64.b32decode(page.locator("[data-secret]").inner_text().replace(" ", ""))
    page.get_by_label("Code from the app").fill(code_from_key(key))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(f"{reader.server_url}/admin/pages/")

    page.context.clear_cookies()
    sign_in(reader, "irina", PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/staff/verify/\?next="))
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.goto(f"{reader.server_url}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/staff/verify/\?next="))
    page.get_by_label("Code").fill(code_from_key(key, drift=1))  # the next code: the one just used is spent
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{reader.server_url}/admin/")
    expect(page).to_have_title(re.compile("Dashboard"))

    assert reader.foreign_requests() == []
    assert reader.page_errors == [] and reader.bad_responses == []


def test_an_editor_adds_a_passkey_then_signs_in_with_it(reader, live_server, settings):
    """Chromium's virtual authenticator (DevTools WebAuthn domain) stands in for a security key."""
    # Browsers take passkeys over plain HTTP on localhost only, never on 127.0.0.1.
    site = live_server.url.replace("127.0.0.1", "localhost")
    settings.STAFF_REQUIRE_2FA = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [site]
    user = staff_member("irina", group="Editors")
    page = reader.page
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True,
    }})

    reader.server_url = site
    sign_in(reader, "irina", PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/staff/set-up/\?next="))
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_title(re.compile("Dashboard"))

    page.context.clear_cookies()
    sign_in(reader, "irina", PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/staff/verify/\?next="))
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(f"{site}/admin/")
    expect(page).to_have_title(re.compile("Dashboard"))

    assert ModelLogEntry.objects.filter(action="samizdat_staff.passkey_added", object_id=str(user.pk)).exists()
    assert [url for url in reader.requests if not url.startswith(site)] == []
    assert reader.page_errors == [] and reader.bad_responses == []
