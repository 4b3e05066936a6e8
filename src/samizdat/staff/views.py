"""Staff sign-in pages: the second factor, its setup, sign out everywhere, and reset throttling."""

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from wagtail.admin.views.account import PasswordResetView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from samizdat.staff import second_factor
from samizdat.staff.audit import record
from samizdat.staff.forms import CodeForm, SetupCodeForm
from samizdat.staff.password_resets import password_reset_allowed
from samizdat.staff.sessions import end_sessions


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("wagtailadmin_home")


def verify(request):
    """Asks a signed-in user for the code of their authenticator app, or a recovery code."""
    user = request.user
    if user.is_verified() or not second_factor.has_second_factor(user):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if device.name == second_factor.RECOVERY_DEVICE_NAME:
                left = second_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(left)d are left. Each works once.") % {"left": left},
                )
            return redirect(_next_url(request))
        form.add_error("code", _("That code is not right, or it has expired. Wait for the next code and try again."))
    context = {"form": form, "next": _next_url(request), "passkeys": second_factor.passkeys(user).exists()}
    return TemplateResponse(request, "staff/verify.html", context)


def enrol(request):
    """Sets up an authenticator app: QR code, a code to confirm it, then the recovery codes, once."""
    user = request.user
    if second_factor.has_second_factor(user) and not user.is_verified():
        # Adding an authenticator takes the one already there: a stolen password alone can't add one.
        return redirect(f"{reverse('staff_verify')}?next={reverse('staff_enrol')}")
    device = second_factor.pending_authenticator(user)
    form = SetupCodeForm(request.POST or None)
    if form.is_valid():
        if second_factor.confirm_authenticator(device, form.cleaned_data["code"]):
            first = not second_factor.recovery_codes_left(user)
            codes = second_factor.new_recovery_codes(user) if first else None
            otp_login(request, device)
            record(user, "samizdat_staff.2fa_enrol", by=user)
            return TemplateResponse(
                request, "staff/recovery_codes.html", {"codes": codes, "next": _next_url(request), "first": first}
            )
        form.add_error("code", _("That code is not right. Check the app shows this site's account, and type the code it shows now."))
    context = {
        "form": form,
        "qr_code": second_factor.qr_code_svg(device),
        "secret": second_factor.secret_text(device),
        "required": second_factor.must_use_second_factor(user),
        "next": _next_url(request),
    }
    return TemplateResponse(request, "staff/enrol.html", context)


class SecurityView(WagtailAdminTemplateMixin, TemplateView):
    """The signed-in user's own sign-in security: authenticators, recovery codes, sign out everywhere."""

    template_name = "staff/security.html"
    page_title = gettext_lazy("Two-factor sign-in and sessions")
    header_icon = "lock"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            authenticators=second_factor.authenticators(user),
            passkeys=second_factor.passkeys(user),
            codes_left=second_factor.recovery_codes_left(user),
            required=second_factor.must_use_second_factor(user),
            **kwargs,
        )


@require_POST
def remove_authenticator(request, device_id):
    if second_factor.remove_authenticator(request.user, device_id):
        record(request.user, "samizdat_staff.2fa_remove", by=request.user)
        messages.success(request, _("The authenticator app was removed."))
    return redirect("staff_security")


@require_POST
def remove_passkey(request, device_id):
    if second_factor.remove_passkey(request.user, device_id):
        record(request.user, "samizdat_staff.2fa_remove", by=request.user)
        messages.success(request, _("The passkey was removed."))
    return redirect("staff_security")


def passkey_added(request):
    """Where the setup page goes once the browser has registered a passkey: the recovery codes, if none yet."""
    user = request.user
    if not second_factor.passkeys(user).exists() or not user.is_verified():
        return redirect("staff_enrol")
    first = not second_factor.recovery_codes_left(user)
    codes = second_factor.new_recovery_codes(user) if first else None
    return TemplateResponse(request, "staff/recovery_codes.html", {"codes": codes, "next": _next_url(request), "first": first})


@require_POST
def new_recovery_codes(request):
    if not second_factor.has_authenticator(request.user):
        return redirect("staff_security")
    codes = second_factor.new_recovery_codes(request.user)
    record(request.user, "samizdat_staff.recovery_codes", by=request.user)
    return TemplateResponse(
        request, "staff/recovery_codes.html", {"codes": codes, "next": reverse("staff_security"), "first": True}
    )


@require_POST
def sign_out_everywhere(request):
    user = request.user
    ended = end_sessions(user)
    record(user, "samizdat_staff.sign_out_everywhere", by=user, sessions=ended)
    logout(request)
    messages.success(request, _("You were signed out on every device, this one too."))
    return redirect("wagtailadmin_login")


def may_manage(request_user, user):
    """Administrators manage other accounts; only a superuser manages a superuser's."""
    if not request_user.has_perm("auth.change_user"):
        return False
    return request_user.is_superuser or not user.is_superuser


class UserSecurityView(WagtailAdminTemplateMixin, TemplateView):
    """An administrator's page for another account: sign it out everywhere, reset its second factor."""

    template_name = "staff/user_security.html"
    page_title = gettext_lazy("Sign-in security")
    header_icon = "lock"

    def dispatch(self, request, user_id):
        self.account = get_object_or_404(get_user_model(), pk=user_id)
        if not may_manage(request.user, self.account):
            raise PermissionDenied
        return super().dispatch(request, user_id)

    def get_page_subtitle(self):
        return self.account.get_username()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            account=self.account,
            authenticators=second_factor.authenticators(self.account),
            passkeys=second_factor.passkeys(self.account),
            codes_left=second_factor.recovery_codes_left(self.account),
            **kwargs,
        )

    def post(self, request, user_id):
        action = request.POST.get("action")
        if action == "reset":
            second_factor.remove_all(self.account)
            end_sessions(self.account)
            record(self.account, "samizdat_staff.2fa_reset")
            messages.success(request, _("Two-factor sign-in was reset and every session ended: they set it up again at next sign-in."))
        elif action == "sign_out":
            ended = end_sessions(self.account)
            record(self.account, "samizdat_staff.sign_out_everywhere", sessions=ended)
            messages.success(request, _("They were signed out on every device."))
        return redirect("staff_user_security", user_id=self.account.pk)


class ThrottledPasswordResetView(PasswordResetView):
    """Wagtail's password reset, at most STAFF_PASSWORD_RESETS_PER_HOUR emails per address and client."""

    def form_valid(self, form):
        if not password_reset_allowed(self.request, form.cleaned_data["email"]):
            return TemplateResponse(self.request, "staff/password_reset_throttled.html", status=429)
        return super().form_valid(form)
