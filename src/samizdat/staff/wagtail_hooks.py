from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django_otp_webauthn import urls as passkey_urls
from wagtail import hooks
from wagtail.admin.widgets import Button

from samizdat.staff import audit, urls
from samizdat.staff.views import may_manage


@hooks.register("register_admin_urls")
def staff_urls():
    return [path("staff/", include(urls)), path("staff/passkeys/", include(passkey_urls))]


@hooks.register("register_account_menu_item")
def sign_in_security(request):
    return {
        "url": reverse("staff_security"),
        "label": _("Two-factor sign-in and sessions"),
        "help_text": _("Set up an authenticator app, make new recovery codes, or sign out on every device."),
    }


@hooks.register("register_log_actions")
def staff_log_actions(actions):
    audit.register(actions)


@hooks.register("register_user_listing_buttons")
def user_security_button(user, request_user):
    if may_manage(request_user, user):
        yield Button(_("Sign-in security"), url=reverse("staff_user_security", args=[user.pk]), icon_name="lock", priority=60)
