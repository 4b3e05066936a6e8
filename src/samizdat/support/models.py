"""What reader revenue keeps: donations, recurring donations, the provider events already
processed, appeals, and the staff's settings (suggested amounts, appeal timing).

Amounts are integers in minor units (1250 with "EUR" is 12.50 EUR). We store the least: an email,
a name if given, amounts and the provider's ids; never card data.
"""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import TranslatableMixin

from samizdat.core.models import for_default_site

from .money import AmountError, format_amount, format_number
from .public_urls import edition_address, support_urls
from .edition_currencies import parse_edition_currencies
from .suggestions import parse_suggestions


class Frequency(models.TextChoices):
    ONCE = "once", _("Once")
    MONTHLY = "monthly", _("Monthly")
    ANNUAL = "annual", _("Annual")


RECURRING = (Frequency.MONTHLY, Frequency.ANNUAL)


class Amount:
    """How a gift's amount (minor units and currency) reads in the admin, exports and emails."""

    def __str__(self):
        return f"{self.display_amount} {self.get_frequency_display().lower()} from {self.email}"

    @property
    @admin.display(description="Amount")
    def display_amount(self):
        return format_amount(self.amount, self.currency)

    @property
    @admin.display(description="Amount")
    def amount_decimal(self):
        """'12.50': the amount as a spreadsheet reads it (CSV export)."""
        return format_number(self.amount, self.currency)


class Donation(Amount, models.Model):
    """One payment from a reader: a one-off gift, or one month's or year's payment of a recurring one."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        PAID = "paid", _("Paid")
        REFUNDED = "refunded", _("Refunded")
        FAILED = "failed", _("Failed")

    amount = models.PositiveBigIntegerField(help_text="In minor units: 1250 is 12.50.")
    currency = models.CharField(max_length=3)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.ONCE)
    provider = models.CharField(max_length=20)
    provider_payment_id = models.CharField(max_length=255, help_text="The provider's id of the payment.")
    provider_event_id = models.CharField(max_length=255, blank=True, help_text="The provider event that confirmed it.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    refunded_amount = models.PositiveBigIntegerField(default=0)
    method = models.CharField(max_length=40, blank=True, help_text="For manual gifts: bank transfer or the coin.")
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    recurring = models.ForeignKey(
        "RecurringDonation", null=True, blank=True, on_delete=models.PROTECT, related_name="donations"
    )
    discreet = models.BooleanField(
        default=False, help_text="The donor asked for discretion: a neutral sender, subject and card statement."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_payment_id"], name="donation_payment_once"),
            models.UniqueConstraint(
                fields=["provider", "provider_event_id"], condition=~Q(provider_event_id=""), name="donation_event_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
        ]

    @property
    @admin.display(description="Refunded")
    def refunded_decimal(self):
        return format_number(self.refunded_amount, self.currency)

    @property
    @admin.display(description="Refunded")
    def display_refunded(self):
        return format_amount(self.refunded_amount, self.currency) if self.refunded_amount else ""


class RecurringDonation(Amount, models.Model):
    """A reader's standing monthly or annual gift, as the provider's subscription."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Payment failed")
        CANCELLED = "cancelled", _("Cancelled")

    provider = models.CharField(max_length=20)
    provider_subscription_id = models.CharField(max_length=255)
    amount = models.PositiveBigIntegerField(help_text="Each payment, in minor units.")
    currency = models.CharField(max_length=3)
    frequency = models.CharField(max_length=10, choices=[c for c in Frequency.choices if c[0] != "once"])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_at = models.DateTimeField(default=timezone.now, help_text="When the provider said the status last changed.")
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    link_sent_at = models.DateTimeField(null=True, blank=True)
    discreet = models.BooleanField(
        default=False, help_text="The donor asked for discretion: a neutral sender, subject and card statement."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_subscription_id"], name="recurring_subscription_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="recurring_amount_positive"),
        ]

    @property
    def monthly_amount(self):
        """What it brings in per month, in minor units (annual gifts count a twelfth, rounded down)."""
        return self.amount if self.frequency == Frequency.MONTHLY else self.amount // 12


class ProcessedEvent(models.Model):
    """A provider event we have acted on: a second delivery of the same event changes nothing."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=60)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="event_processed_once")]

    def __str__(self):
        return f"{self.provider} {self.event_id}"


class Appeal(TranslatableMixin, models.Model):
    """A message asking readers to give: a banner across the site, a box at the end of articles, or
    a modal. Shown by the reader's browser according to its schedule and the reader's choices, on
    the pages of its edition (locale); the same campaign in another edition is its translation."""

    class Placement(models.TextChoices):
        BANNER = "banner", "Banner across the top of every page"
        ARTICLE = "article", "At the end of articles"
        MODAL = "modal", "Modal window (at most every few days)"

    name = models.CharField(max_length=100, help_text="For staff: which campaign this is.")
    placement = models.CharField(max_length=10, choices=Placement.choices, default=Placement.ARTICLE)
    heading = models.CharField(max_length=200, default="A message from the newsroom")
    body = RichTextField(blank=True, features=["bold", "italic", "link"])
    show_form = models.BooleanField(default=True, help_text="Show the donate form inside the appeal.")
    live = models.BooleanField(default=True, help_text="Switch off to stop showing it at once.")
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Empty: from now.")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until switched off.")

    panels = [
        FieldPanel("name"),
        FieldPanel("placement"),
        FieldPanel("heading"),
        FieldPanel("body"),
        FieldPanel("show_form"),
        MultiFieldPanel([FieldPanel("live"), FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")])], heading="Schedule"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["placement", "-pk"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The appeal must end after it starts."})

    def public_urls(self):
        """An appeal lives in one small published file of its edition; changing it rewrites that file only."""
        return [edition_address(self.locale.language_code, "appeals")]


def default_snooze_days():
    return settings.SUPPORT_SNOOZE_DAYS


@register_setting(icon="pick")
class SupportSettings(BaseSiteSetting):
    """Settings → Reader revenue: what the donate form suggests and how appeals behave. Each payment
    provider keeps its own settings in its own app (providers/manual/models.py, say)."""

    suggested_amounts = models.TextField(
        default="EUR once: 10, 25, 50, 100\nEUR monthly: 5, 10, 20\nEUR annual: 50, 100, 200",
        blank=True,
        help_text="One line per currency and frequency: 'EUR monthly: 5, 10, 20'. The first amount is preselected.",
    )
    intro = RichTextField(blank=True, features=["bold", "italic", "link"], help_text="Shown above the form on /support/.")
    snooze_days = models.PositiveSmallIntegerField(
        default=default_snooze_days, help_text="'Remind me later' hides appeals on that browser for this many days."
    )
    quiet_days_after_giving = models.PositiveSmallIntegerField(
        default=30, help_text="A reader who has just given sees no appeals for this many days."
    )
    modal_every_days = models.PositiveSmallIntegerField(
        default=3, help_text="A modal appeal shows at most once in this many days on one browser."
    )
    edition_currencies = models.TextField(
        blank=True,
        help_text="The currency each edition's donate form starts with, one line per language: 'ru: EUR'. "
        "Other editions start with the first currency of SUPPORT_CURRENCIES.",
    )

    panels = [
        FieldPanel("intro"),
        FieldPanel("suggested_amounts"),
        FieldPanel("edition_currencies"),
        MultiFieldPanel(
            [FieldPanel("snooze_days"), FieldPanel("quiet_days_after_giving"), FieldPanel("modal_every_days")],
            heading="Appeals",
        ),
    ]

    class Meta:
        verbose_name = "reader revenue"

    def clean(self):
        try:
            parse_suggestions(self.suggested_amounts)
        except (AmountError, ValueError) as error:
            raise ValidationError({"suggested_amounts": str(error)})
        try:
            parse_edition_currencies(self.edition_currencies)
        except ValueError as error:
            raise ValidationError({"edition_currencies": str(error)})

    def public_urls(self):
        return support_urls()


def support_settings():
    return for_default_site(SupportSettings)

