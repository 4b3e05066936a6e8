"""Closes the site to a staff session that has not given its second factor.

After django-otp's OTPMiddleware (request.user.is_verified()). A user with a second factor who signed
in with the password only is sent to give the code; a user who must have one (STAFF_REQUIRE_2FA and
one of STAFF_2FA_GROUPS, or a superuser) and has none is sent to set one up. Only the pages that
lead there stay open: everything else, the admin and pages shown to signed-in users alike, waits.
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from samizdat.staff.second_factor import has_authenticator, has_second_factor, must_use_second_factor

OPEN_TO_UNVERIFIED = {
    "staff_verify",
    "staff_enrol",
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",  # the icons every admin page draws, these included
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
}

# django-otp-webauthn's endpoints: signing in with a passkey, and adding one (which checks itself
# that a user who already has a second factor has given it).
PASSKEYS = "otp_webauthn"


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        match = request.resolver_match
        if not user.is_authenticated or match.url_name in OPEN_TO_UNVERIFIED or PASSKEYS in match.namespaces:
            return None
        if not user.is_verified() and has_second_factor(user):
            return self._send_to("staff_verify", request)
        if must_use_second_factor(user) and not has_authenticator(user):
            return self._send_to("staff_enrol", request)
        return None

    def _send_to(self, url_name, request):
        return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")
