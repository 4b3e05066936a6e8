"""Staff accounts as the tests need them, and the codes their authenticator apps would show."""

from django.contrib.auth.models import Group, User
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct-horse-battery"


def staff_member(username="irina", group="Editors", superuser=False):
    user = User.objects.create_user(username, f"{username}@courier.example", PASSWORD, is_superuser=superuser)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def authenticator_for(user):
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def code_from_key(key, drift=0):
    """What an authenticator app shows for this key now (drift: steps of 30 s later)."""
    return f"{totp(key, drift=drift):06d}"


def code_from(device, drift=0):
    return code_from_key(device.bin_key, drift=drift)


def sign_in_with_password(client, user, password=PASSWORD):
    return client.post("/admin/login/", {"username": user.username, "password": password, "next": "/admin/"})
