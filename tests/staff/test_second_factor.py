"""Two-factor sign-in: a password alone doesn't open the admin to staff who have (or need) a second factor."""

import base64
import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from samizdat.staff.second_factor import new_recovery_codes
from tests.staff.helpers import authenticator_for, code_from, code_from_key, sign_in_with_password, staff_member

pytestmark = pytest.mark.django_db


def test_a_staff_login_without_the_second_factor_is_refused_the_admin(client):
    user = staff_member()
    authenticator_for(user)
    sign_in_with_password(client, user)

    for path in ["/admin/", "/admin/pages/", "/admin/account/", "/admin/users/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/staff/verify/?next=")
    page = client.get("/admin/staff/verify/?next=/admin/pages/")
    assert "Enter your code" in page.content.decode()


def test_the_code_of_the_authenticator_app_opens_the_admin(client):
    user = staff_member()
    device = authenticator_for(user)
    sign_in_with_password(client, user)

    wrong = client.post("/admin/staff/verify/", {"code": "000000" if code_from(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above slowed further tries down; a real user waits
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post("/admin/staff/verify/", {"code": code_from(device), "next": "/admin/pages/"})
    assert response.status_code == 302 and response["Location"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(client):
    user = staff_member()
    authenticator_for(user)
    code = new_recovery_codes(user)[0]

    sign_in_with_password(client, user)
    response = client.post("/admin/staff/verify/", {"code": code}, follow=True)
    assert response.status_code == 200
    assert "You signed in with a recovery code; 9 are left" in response.content.decode()
    assert client.get("/admin/").status_code == 200

    client.logout()
    sign_in_with_password(client, user)
    again = client.post("/admin/staff/verify/", {"code": code})
    assert "That code is not right" in again.content.decode()
    assert client.get("/admin/").status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_an_editor_without_a_device_is_sent_to_set_one_up_and_then_gets_in(client, settings):
    settings.STAFF_REQUIRE_2FA = True
    user = staff_member(group="Editors")
    sign_in_with_password(client, user)

    response = client.get("/admin/pages/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/staff/set-up/")
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page  # the QR code drawn here, no image fetched from elsewhere
    secret = re.search(r"<code data-secret>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    key = base64.b32decode(secret)

    done = client.post("/admin/staff/set-up/", {"code": code_from_key(key), "next": "/admin/pages/"})
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert "this is the only time they are shown" in done.content.decode()
    assert client.get("/admin/pages/").status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed


@pytest.mark.parametrize("group, superuser", [("Administrators", False), (None, True)])
def test_administrators_and_superusers_must_set_up_a_second_factor_too(client, settings, group, superuser):
    settings.STAFF_REQUIRE_2FA = True
    user = staff_member(group=group, superuser=superuser)
    client.force_login(user)
    assert client.get("/admin/").headers["Location"].startswith("/admin/staff/set-up/")


def test_a_writer_may_work_without_a_second_factor(client, settings):
    settings.STAFF_REQUIRE_2FA = True
    client.force_login(staff_member(group="Writers"))
    assert client.get("/admin/").status_code == 200


def test_nothing_is_required_when_the_setting_is_off(client, settings):
    settings.STAFF_REQUIRE_2FA = False
    client.force_login(staff_member(group="Editors"))
    assert client.get("/admin/").status_code == 200


def test_a_stolen_password_alone_cannot_add_an_authenticator(client):
    user = staff_member()
    authenticator_for(user)
    sign_in_with_password(client, user)

    response = client.get("/admin/staff/set-up/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/staff/verify/")
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_wrong_setup_code_says_so(client, settings):
    settings.STAFF_REQUIRE_2FA = True
    user = staff_member()
    client.force_login(user)
    client.get("/admin/staff/set-up/")
    device = TOTPDevice.objects.get(user=user)
    wrong = "000000" if code_from(device) != "000000" else "111111"
    response = client.post("/admin/staff/set-up/", {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/admin/").status_code == 302
