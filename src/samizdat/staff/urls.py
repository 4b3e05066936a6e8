"""Admin pages of staff accounts, mounted under /admin/staff/ by wagtail_hooks.py."""

from django.urls import path

from samizdat.staff import views

urlpatterns = [
    path("verify/", views.verify, name="staff_verify"),
    path("set-up/", views.enrol, name="staff_enrol"),
    path("set-up/passkey-added/", views.passkey_added, name="staff_passkey_added"),
    path("security/passkeys/<int:device_id>/remove/", views.remove_passkey, name="staff_remove_passkey"),
    path("security/", views.SecurityView.as_view(), name="staff_security"),
    path("security/authenticators/<int:device_id>/remove/", views.remove_authenticator, name="staff_remove_authenticator"),
    path("security/recovery-codes/", views.new_recovery_codes, name="staff_new_recovery_codes"),
    path("security/sign-out-everywhere/", views.sign_out_everywhere, name="staff_sign_out_everywhere"),
    path("users/<int:user_id>/", views.UserSecurityView.as_view(), name="staff_user_security"),
]
