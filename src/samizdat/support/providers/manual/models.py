"""The manual provider's settings (Settings → Bank transfer and crypto): what readers who send
money themselves are shown. Filling either in offers the provider on the donate form."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from samizdat.support.public_urls import support_urls


@register_setting(icon="form")
class ManualPaymentSettings(BaseSiteSetting):
    bank_transfer_details = models.TextField(
        _("bank transfer details"), blank=True,
        help_text=_("Account holder, IBAN, BIC, reference: shown to readers who give by bank transfer."),
    )
    crypto_addresses = models.TextField(
        _("crypto addresses"), blank=True, help_text=_("One per line: 'Bitcoin: bc1q…'. Shown with a QR code."),
    )

    panels = [FieldPanel("bank_transfer_details"), FieldPanel("crypto_addresses")]

    class Meta:
        verbose_name = _("bank transfer and crypto")

    def public_urls(self):
        """The donate form (on /support/ and in appeals) offers this provider once it has details."""
        return support_urls()
