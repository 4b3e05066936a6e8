"""Reports > Site history shows who changed what about staff accounts and their sign-in."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from wagtail.models import ModelLogEntry

from tests.staff.helpers import PASSWORD, sign_in_with_password, staff_member

pytestmark = pytest.mark.django_db


def site_history(client):
    return client.get("/admin/reports/site-history/").content.decode()


def test_group_membership_activation_and_superuser_changes_are_in_the_site_history():
    admin = User.objects.create_superuser("admin", "admin@courier.example", PASSWORD)
    administrator = Client()
    administrator.force_login(admin)
    reporter = staff_member("reporter", group="Writers")

    response = administrator.post(f"/admin/users/edit/{reporter.pk}/", {
        "username": "reporter", "email": reporter.email, "first_name": "Rita", "last_name": "Ortiz",
        "is_active": "", "is_superuser": "", "groups": [Group.objects.get(name="Editors").pk],
    })
    assert response.status_code == 302, response.content.decode()[:500]

    actions = {entry.action: entry for entry in ModelLogEntry.objects.filter(object_id=str(reporter.pk)).order_by("pk")}
    assert actions["samizdat_staff.groups_added"].data == {"groups": ["Editors"]}
    assert actions["samizdat_staff.groups_removed"].data == {"groups": ["Writers"]}
    assert actions["samizdat_staff.deactivated"].user_id == admin.pk
    history = site_history(administrator)
    for label in ["Added to groups", "Removed from groups", "Account deactivated"]:
        assert label in history


def test_a_lockout_and_a_second_factor_set_up_are_in_the_site_history(settings):
    admin = User.objects.create_superuser("admin", "admin@courier.example", PASSWORD)
    user = staff_member()
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(10):
        sign_in_with_password(guesser, user, password=f"guess-{attempt}")

    user.refresh_from_db()
    client = Client()
    client.force_login(user)
    client.post("/admin/staff/set-up/", {"code": "not-a-code"})  # refused: no entry
    assert not ModelLogEntry.objects.filter(action="samizdat_staff.2fa_enrol").exists()
    client.post("/admin/staff/security/sign-out-everywhere/")

    administrator = Client()
    administrator.force_login(admin)
    history = site_history(administrator)
    assert "Sign-in locked after wrong passwords" in history
    assert "Signed out everywhere" in history
    assert "203.0.113.9" not in history
