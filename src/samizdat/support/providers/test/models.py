"""The test provider's settings (Settings → Test payments): staff switch it on for a demo or a
trial. SUPPORT_TEST_PAYMENTS must allow it too, so a live site never offers it by mistake."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from samizdat.support.public_urls import support_urls


@register_setting(icon="cogs")
class TestPaymentSettings(BaseSiteSetting):
    __test__ = False  # a model, not a class of tests for pytest to collect

    enabled = models.BooleanField(
        _("offer test payments"), default=False,
        help_text=_("Offer the test provider: no money moves. For demos and trials only."),
    )

    panels = [FieldPanel("enabled")]

    class Meta:
        verbose_name = _("test payments")

    def public_urls(self):
        """The donate form (on /support/ and in appeals) offers this provider when it is on."""
        return support_urls()
