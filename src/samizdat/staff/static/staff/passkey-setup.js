// django-otp-webauthn registers the passkey and says so on the button; the setup then goes on to
// the recovery codes, as it does after an authenticator app.
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.href = document.querySelector("[data-passkey-added]").dataset.passkeyAdded;
});
