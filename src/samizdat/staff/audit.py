"""Staff actions on accounts in Wagtail's audit log (Reports > Site history).

Wagtail logs a user created, edited or deleted as a whole; these entries say what changed for
security: second factors, lockouts (from one client, and for everyone), sign out everywhere, group
membership, activation, superuser.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_save, pre_save
from django_otp_webauthn.models import WebAuthnCredential
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from samizdat.core.audit import account

ACTIONS = {
    "samizdat_staff.2fa_enrol": _("Two-factor sign-in set up"),
    "samizdat_staff.passkey_added": _("Passkey added"),
    "samizdat_staff.2fa_remove": _("Authenticator app or passkey removed"),
    "samizdat_staff.2fa_reset": _("Two-factor sign-in reset"),
    "samizdat_staff.recovery_codes": _("New recovery codes made"),
    "samizdat_staff.locked_out": _("Sign-in locked after wrong passwords"),
    "samizdat_staff.account_locked": _("Sign-in locked for everyone: wrong passwords from many places"),
    "samizdat_staff.sign_out_everywhere": _("Signed out everywhere"),
    "samizdat_staff.groups_added": _("Added to groups"),
    "samizdat_staff.groups_removed": _("Removed from groups"),
    "samizdat_staff.deactivated": _("Account deactivated"),
    "samizdat_staff.activated": _("Account activated"),
    "samizdat_staff.superuser_granted": _("Made a superuser"),
    "samizdat_staff.superuser_revoked": _("No longer a superuser"),
}


def register(actions):
    for action, label in ACTIONS.items():
        actions.register_action(action, label, label)


def record(user, action, by=None, **data):
    """One entry about `user`; `by` is who did it (else the admin request's user, else nobody)."""
    log(instance=account(user), action=action, user=by, data=data)


def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse or action not in ("post_add", "post_remove") or not pk_set:
        return  # a group's members edited from the group's side are logged by Wagtail as its edit
    names = sorted(model.objects.filter(pk__in=pk_set).values_list("name", flat=True))
    kind = "samizdat_staff.groups_added" if action == "post_add" else "samizdat_staff.groups_removed"
    record(instance, kind, groups=names)


def _flags_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"is_active", "is_superuser"} & set(update_fields):
        return  # e.g. last_login at each sign-in: nothing to compare
    before = sender.objects.filter(pk=instance.pk).values("is_active", "is_superuser").first()
    if before is None:
        return
    if before["is_active"] != instance.is_active:
        record(instance, "samizdat_staff.activated" if instance.is_active else "samizdat_staff.deactivated")
    if before["is_superuser"] != instance.is_superuser:
        record(instance, "samizdat_staff.superuser_granted" if instance.is_superuser else "samizdat_staff.superuser_revoked")


def _passkey_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        # Added through django-otp-webauthn's own views: its signal-free completion, seen here.
        record(instance.user, "samizdat_staff.passkey_added", by=instance.user)


def _locked_out(sender, request, username, **kwargs):
    user = get_user_model().objects.filter(username=username).first()
    if user is not None:
        record(user, "samizdat_staff.locked_out")


def connect():
    User = get_user_model()
    m2m_changed.connect(_groups_changed, sender=User.groups.through, dispatch_uid="samizdat_staff_groups")
    pre_save.connect(_flags_changed, sender=User, dispatch_uid="samizdat_staff_flags")
    post_save.connect(_passkey_saved, sender=WebAuthnCredential, dispatch_uid="samizdat_staff_passkey")
    user_locked_out.connect(_locked_out, dispatch_uid="samizdat_staff_locked_out")
