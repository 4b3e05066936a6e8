"""Second factors of staff accounts: authenticator apps (TOTP) and recovery codes, through django-otp."""

import base64

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

RECOVERY_CODES = 10
RECOVERY_DEVICE_NAME = "Recovery codes"


def must_use_second_factor(user):
    """Whether the admin stays closed to this user until they have set up an authenticator."""
    if not settings.STAFF_REQUIRE_2FA or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=settings.STAFF_2FA_GROUPS).exists()


def has_second_factor(user):
    """Whether signing in takes a code as well as the password."""
    return user_has_device(user, confirmed=True)


def authenticators(user):
    """Authenticator apps: the second factors that give codes."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")


def passkeys(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk")


def has_authenticator(user):
    """An app or a passkey: what a user who must use a second factor needs (recovery codes don't count)."""
    return authenticators(user).exists() or passkeys(user).exists()


def pending_authenticator(user):
    """The authenticator being set up: kept until confirmed, so a reload shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def qr_code_svg(device):
    """The setup QR code as inline SVG, drawn here: the secret never goes to a QR service."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


def secret_text(device):
    """The key as authenticator apps take it typed in (base32, in groups of four)."""
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def confirm_authenticator(device, code):
    """Confirm a pending authenticator with the code it shows; False when the code is wrong."""
    if not device.verify_token(code.strip().replace(" ", "")):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def new_recovery_codes(user):
    """Replace the user's recovery codes; returns them, the only time they are shown."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user).count()


def remove_authenticator(user, device_id, kind=TOTPDevice):
    """Remove one app or passkey; with the last go the recovery codes (a second factor of their own)."""
    deleted, _ = kind.objects.filter(user=user, pk=device_id).delete()
    if deleted and not has_authenticator(user):
        StaticDevice.objects.filter(user=user).delete()
    return bool(deleted)


def remove_passkey(user, device_id):
    return remove_authenticator(user, device_id, kind=WebAuthnCredential)


def remove_all(user):
    """Forget every second factor of the user (a lost phone): they set one up again at next sign-in."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
