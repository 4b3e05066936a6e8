"""Newsletters, the people who asked for them, and what was sent to whom.

A Subscriber is an address; a Subscription is that address's consent to one newsletter, with the
time and the exact wording shown. A Suppression is an address never to be mailed again (bounced,
complained, unsubscribed everywhere) until the person signs up anew. An Edition is one issue of a
newsletter, hand-picked articles in order; a Delivery is one edition to one subscriber, recorded
before and after it goes out, so a send can resume after a crash without skipping or repeating.
"""

import datetime

from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.models import Orderable, TranslatableMixin

from .addresses import address
from .edition_form import EditionForm

WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"), (5, "Saturday"), (6, "Sunday")]


class Newsletter(TranslatableMixin, models.Model):
    """One newsletter of one edition (its locale): sent, archived and offered in that language.
    The same newsletter in another edition ("The Week", "Неделя") is its translation, made with
    the admin's "Translate"; each keeps its own subscribers."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True, help_text="Its address: /newsletter/<slug>/archive/")
    description = models.TextField(
        blank=True, help_text="Shown in the signup block, e.g. \"A hand-picked selection of the week's news, every Friday.\""
    )
    weekly = models.BooleanField(
        default=True, help_text="Sent weekly on the day and time below. Untick for alerts sent when the editors decide."
    )
    send_weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS, default=4)
    send_time = models.TimeField(default=datetime.time(9, 0), help_text="In the newsroom's time zone (TIME_ZONE).")
    from_name = models.CharField(max_length=100, blank=True, help_text="Defaults to the newsroom's name.")
    from_email = models.EmailField(blank=True, help_text="Defaults to DEFAULT_FROM_EMAIL.")
    reply_to = models.EmailField(blank=True)
    promoted = models.BooleanField(
        default=False,
        help_text="Offered in the signup block on its edition's articles and front page (one newsletter per edition).",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on /newsletter/.")
    created_at = models.DateTimeField(default=timezone.now)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("weekly"), FieldRowPanel([FieldPanel("send_weekday"), FieldPanel("send_time")])],
            heading="Schedule",
        ),
        FieldRowPanel([FieldPanel("from_name"), FieldPanel("from_email"), FieldPanel("reply_to")]),
        FieldRowPanel([FieldPanel("promoted"), FieldPanel("position")]),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    @property
    def language(self):
        """The language its emails and pages are written in: its edition's."""
        return self.locale.language_code

    def address(self, name, *args):
        """The address of one of the newsletter's pages (`newsletter:<name>`) in its edition: the
        same view under /ru/ for a Russian newsletter."""
        return address(self.language, name, *args)

    def get_absolute_url(self):
        return self.address("archive", self.slug)

    def preview_url(self):
        return self.address("preview", self.slug)

    def public_urls(self):
        return [self.get_absolute_url(), self.preview_url()]

    def listed_on(self):
        # A newsletter's name and description may be in the signup block on every article and the
        # front page (the promoted one, or the first when none is): like the newsroom's settings,
        # a change is a full rebuild. Newsletters change rarely.
        return [self.address("index"), "*"]


class Subscriber(models.Model):
    email = models.EmailField(unique=True, max_length=254)
    created_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    imported = models.BooleanField(default=False, help_text="Came from a CSV import, not the signup form.")
    language = models.CharField(
        max_length=15, blank=True, help_text="The language of the page they signed up on (empty for imports)."
    )

    panels = [FieldPanel("email")]

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    @property
    def newsletters(self):
        return ", ".join(s.newsletter.name for s in self.subscriptions.all() if s.status == Subscription.ACTIVE)


class Subscription(models.Model):
    PENDING, ACTIVE, UNSUBSCRIBED = "pending", "active", "unsubscribed"
    STATUSES = [(PENDING, "Waiting for confirmation"), (ACTIVE, "Subscribed"), (UNSUBSCRIBED, "Unsubscribed")]

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="subscriptions")
    status = models.CharField(max_length=20, choices=STATUSES, default=PENDING, db_index=True)
    consent_at = models.DateTimeField(default=timezone.now)
    consent_text = models.TextField(help_text="The exact wording the person agreed to.")
    consent_source = models.CharField(max_length=40, default="signup form")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscriber", "newsletter"], name="one_subscription_per_newsletter")]

    def __str__(self):
        return f"{self.subscriber} → {self.newsletter}"


class Suppression(models.Model):
    BOUNCED, COMPLAINED, UNSUBSCRIBED, ERASED = "bounced", "complained", "unsubscribed", "erased"
    REASONS = [
        (BOUNCED, "Bounced"),
        (COMPLAINED, "Complained (marked as spam)"),
        (UNSUBSCRIBED, "Unsubscribed"),
        # The person's data was erased on request: the address is kept only as a keyed hash
        # (newsletter/privacy.py), and they are never mailed or signed up again.
        (ERASED, "Erased on request"),
    ]

    email = models.EmailField(unique=True, max_length=254)
    reason = models.CharField(max_length=20, choices=REASONS)
    detail = models.CharField(max_length=255, blank=True, help_text="The server's answer or the service's event.")
    created_at = models.DateTimeField(default=timezone.now)

    panels = [FieldPanel("email"), FieldPanel("reason"), FieldPanel("detail")]

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} ({self.get_reason_display()})"


class Edition(ClusterableModel):
    DRAFT, APPROVED, SENDING, PAUSED, SENT, CANCELLED = "draft", "approved", "sending", "paused", "sent", "cancelled"
    STATUSES = [
        (DRAFT, "Draft"),
        (APPROVED, "Approved, waiting for its slot"),
        (SENDING, "Sending"),
        (PAUSED, "Paused"),
        (SENT, "Sent"),
        (CANCELLED, "Cancelled"),
    ]

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="editions")
    subject = models.CharField(max_length=200)
    preheader = models.CharField(
        max_length=200, blank=True, help_text="The line mail programs show after the subject."
    )
    intro = models.TextField(blank=True, help_text="A few words from the editors. Blank lines make paragraphs.")
    week_of = models.DateField(
        null=True, blank=True, editable=False, help_text="The Monday of the week a weekly draft was made for."
    )
    status = models.CharField(max_length=20, choices=STATUSES, default=DRAFT, editable=False, db_index=True)
    scheduled_at = models.DateTimeField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # A fault of the send (a refused login, too many refusals...) pauses it; a person resumes it.
    paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    pause_reason = models.TextField(blank=True, editable=False, help_text="What stopped the send, for the editors.")
    resumed_at = models.DateTimeField(null=True, blank=True, editable=False)
    refusals_accepted = models.BooleanField(
        default=False, editable=False, help_text="An editor said the refusals are dead addresses: don't pause for them again."
    )
    # Rendered once when the send starts, so every batch sends the same words.
    email_html = models.TextField(blank=True, editable=False)
    email_text = models.TextField(blank=True, editable=False)
    # Deliveries by status, kept here when the per-reader delivery log is purged
    # (NEWSLETTER_DELIVERY_LOG_DAYS) or a reader erased: the editors still see how many got it.
    delivery_counts = models.JSONField(default=dict, blank=True, editable=False)

    base_form_class = EditionForm
    panels = [
        FieldPanel("newsletter"),
        FieldPanel("subject"),
        FieldPanel("preheader"),
        FieldPanel("intro"),
        InlinePanel("articles", label="Articles, in order"),
    ]

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "week_of"], name="one_weekly_draft_per_week"),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_public(self):
        return self.status == self.SENT

    def get_absolute_url(self):
        return self.newsletter.address("edition", self.newsletter.slug, self.pk)

    def public_urls(self):
        return [self.get_absolute_url()] if self.is_public else []

    def listed_on(self):
        return [self.newsletter.get_absolute_url(), self.newsletter.preview_url()]


class EditionArticle(Orderable):
    edition = ParentalKey(Edition, on_delete=models.CASCADE, related_name="articles")
    article = models.ForeignKey("news.ArticlePage", on_delete=models.CASCADE, related_name="+")
    blurb = models.TextField(blank=True, help_text="Leave empty to use the article's standfirst.")

    panels = [PageChooserPanel("article", "news.ArticlePage"), FieldPanel("blurb")]

    @property
    def text(self):
        return self.blurb or self.article.standfirst


class Delivery(models.Model):
    """One edition to one subscriber. PENDING until a sender claims it (SENDING, recorded before
    the message goes out), then SENT, or FAILED when the server refused it for good. A delivery
    left SENDING by a crashed sender is the only one that can go out twice."""

    PENDING, SENDING, SENT, FAILED, SKIPPED, CANCELLED = "pending", "sending", "sent", "failed", "skipped", "cancelled"
    STATUSES = [
        (PENDING, "Waiting"),
        (SENDING, "Being sent"),
        (SENT, "Sent"),
        (FAILED, "Refused"),
        (SKIPPED, "Skipped (suppressed)"),
        (CANCELLED, "Not sent (the edition was cancelled)"),
    ]

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    batch = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=STATUSES, default=PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=32, blank=True, help_text="Which sender run holds it while SENDING.")
    sent_at = models.DateTimeField(null=True, blank=True)
    retry_after = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)
    # What a delivery-status report said later, when the message was accepted by a relay first.
    HARD_BOUNCE, SOFT_BOUNCE = "hard", "soft"
    bounce = models.CharField(
        max_length=10, blank=True, choices=[(HARD_BOUNCE, "Bounced later"), (SOFT_BOUNCE, "Delayed (temporary failure)")]
    )

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["edition", "subscriber"], name="one_delivery_per_subscriber")]
        indexes = [models.Index(fields=["edition", "batch", "status"])]
