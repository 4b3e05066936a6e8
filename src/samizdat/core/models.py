from django.conf import settings
from django.core.cache import caches
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page, Site


def default_site():
    """The site that emails, tasks and published files speak for: they have no request to take one from."""
    return Site.objects.filter(is_default_site=True).first()


def for_default_site(setting):
    """A site setting (a BaseSiteSetting subclass) of the default site; its defaults before any site exists."""
    site = default_site()
    return setting.for_site(site) if site else setting()


@register_setting(icon="site")
class NewsroomSettings(BaseSiteSetting):
    """Who publishes the site: shown in the header, feeds, structured data and emails."""

    name = models.CharField(max_length=100, default="samizdat")
    tagline = models.CharField(max_length=200, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    privacy_policy_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    footer_text = models.TextField(blank=True, help_text="Shown at the foot of every page.")

    panels = [
        FieldPanel("name"),
        FieldPanel("tagline"),
        FieldPanel("logo"),
        FieldPanel("privacy_policy_page"),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = "newsroom"

    def listed_on(self):
        """The name, tagline and footer are on every page: the static publisher rebuilds them all."""
        return ["*"]


def newsroom_settings():
    """The default site's NewsroomSettings, None before any site exists: read once per publishing
    batch (Django's cache alias "batch"; anywhere else, every time)."""

    def load():
        site = default_site()
        return NewsroomSettings.for_site(site) if site else None

    return caches["batch"].get_or_set("newsroom-settings", load)


def newsroom_name():
    """Who publishes the site, as readers see it in emails, feeds and structured data."""
    newsroom = newsroom_settings()
    return newsroom.name if newsroom else settings.WAGTAIL_SITE_NAME


class StandardPage(Page):
    """A plain page: the privacy policy, About us, Contact."""

    body = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    subpage_types = ["core.StandardPage"]


class PersonalDataRequest(models.Model):
    """An export or erasure of one person's data, done by staff: what the admin's history (Reports >
    Site history) logs it against. It holds a keyed hash of the address, never the address."""

    EXPORT, ERASURE = "export", "erasure"
    KINDS = [(EXPORT, "Export"), (ERASURE, "Erasure")]

    kind = models.CharField(max_length=10, choices=KINDS)
    person = models.CharField(max_length=64, help_text="A keyed hash of the address (core/privacy.py).")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_at"]

    def __str__(self):
        return f"{self.get_kind_display()} of one person's data ({self.person[:8]})"
