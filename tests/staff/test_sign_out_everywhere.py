"""Sign out everywhere: a seized laptop or a lost phone stops being signed in."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from samizdat.staff.second_factor import new_recovery_codes
from tests.staff.helpers import PASSWORD, authenticator_for, code_from, staff_member

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    return client


def test_sign_out_everywhere_ends_the_session_on_another_device(client):
    user = staff_member()
    laptop, phone = signed_in(user), signed_in(user)
    colleague = signed_in(staff_member("pavel"))

    page = laptop.get("/admin/staff/security/").content.decode()
    assert "Sign out everywhere" in page
    response = laptop.post("/admin/staff/security/sign-out-everywhere/", follow=True)
    assert "You were signed out on every device" in response.content.decode()

    assert phone.get("/admin/").status_code == 302
    assert laptop.get("/admin/").status_code == 302
    assert colleague.get("/admin/").status_code == 200
    entry = ModelLogEntry.objects.get(action="samizdat_staff.sign_out_everywhere")
    assert entry.object_id == str(user.pk) and entry.data["sessions"] == 2


def test_the_account_page_leads_to_sign_in_security(client):
    client.force_login(staff_member())
    assert "/admin/staff/security/" in client.get("/admin/account/").content.decode()


def test_changing_the_password_signs_out_the_other_devices():
    user = staff_member()
    laptop, phone = signed_in(user), signed_in(user)
    response = laptop.post("/admin/account/", {
        "password-old_password": PASSWORD, "password-new_password1": "a-new-long-passphrase",
        "password-new_password2": "a-new-long-passphrase",
        "name_email-first_name": "Irina", "name_email-last_name": "Volkova", "name_email-email": user.email,
        "locale-current_time_zone": "", "theme-theme": "system",
        "theme-density": "default", "theme-contrast": "system", "theme-keyboard_shortcuts": "on",
    })
    assert response.status_code == 302, [p.get_form().errors for ps in response.context["panels_by_tab"].values() for p in ps]
    assert laptop.get("/admin/").status_code == 200
    assert phone.get("/admin/").status_code == 302


def test_an_administrator_resets_a_lost_phone_and_the_account_sets_up_again(settings):
    settings.STAFF_REQUIRE_2FA = True
    admin = User.objects.create_superuser("admin", "admin@courier.example", PASSWORD)
    authenticator_for(admin)
    reporter = staff_member()
    authenticator_for(reporter)
    new_recovery_codes(reporter)
    seized = Client()
    seized.force_login(reporter)

    administrator = Client()
    administrator.force_login(admin)
    assert administrator.get("/admin/users/").status_code == 302  # not verified yet: the admin is closed
    administrator.post("/admin/staff/verify/", {"code": code_from(admin.totpdevice_set.get())})
    listing = administrator.get("/admin/users/").content.decode()
    assert f"/admin/staff/users/{reporter.pk}/" in listing

    response = administrator.post(f"/admin/staff/users/{reporter.pk}/", {"action": "reset"}, follow=True)
    assert "Two-factor sign-in was reset" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reporter).exists()
    assert seized.get("/admin/").status_code == 302
    entry = ModelLogEntry.objects.get(action="samizdat_staff.2fa_reset")
    assert entry.object_id == str(reporter.pk) and entry.user_id == admin.pk

    again = Client()
    again.force_login(reporter)
    assert again.get("/admin/").headers["Location"].startswith("/admin/staff/set-up/")


def test_an_editor_cannot_reset_anyone_elses_second_factor():
    editor = signed_in(staff_member("editor"))
    victim = staff_member("victim")
    authenticator_for(victim)
    assert editor.post(f"/admin/staff/users/{victim.pk}/", {"action": "reset"}).status_code in (302, 403)
    assert TOTPDevice.objects.filter(user=victim).exists()
