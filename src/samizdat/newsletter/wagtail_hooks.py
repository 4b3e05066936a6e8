from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from samizdat.core.spreadsheets import SafeSpreadsheetExport

from . import admin_views
from .drafts import ensure_weekly_drafts
from .models import Edition, Newsletter, Subscriber, Suppression
from .public_urls import newsletter_public_urls, sample_previews


class NewsletterViewSet(SnippetViewSet):
    model = Newsletter
    icon = "mail"
    list_display = ["name", "slug", "weekly", "promoted"]


class EditionIndexView(IndexView):
    def get(self, request, *args, **kwargs):
        # This week's draft is there when an editor looks (and `samizdat newsletter drafts` makes
        # it from cron, for those who don't).
        ensure_weekly_drafts()
        return super().get(request, *args, **kwargs)


class EditionViewSet(SnippetViewSet):
    model = Edition
    icon = "doc-full"
    list_display = ["subject", "newsletter", "status", "scheduled_at", "sent_at"]
    list_filter = ["newsletter", "status"]
    ordering = ["-created_at"]
    index_view_class = EditionIndexView


class SafeIndexView(SafeSpreadsheetExport, IndexView):
    """Addresses and details are what readers and mail servers typed: exported as text."""


class SubscriberViewSet(SnippetViewSet):
    model = Subscriber
    index_view_class = SafeIndexView
    icon = "user"
    list_display = ["email", "newsletters", "created_at"]
    search_fields = ["email"]
    list_export = ["email", "newsletters", "created_at", "imported"]
    export_filename = "subscribers"
    list_per_page = 50


class SuppressionViewSet(SnippetViewSet):
    model = Suppression
    index_view_class = SafeIndexView
    icon = "cross"
    list_display = ["email", "reason", "detail", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]
    list_export = ["email", "reason", "detail", "created_at"]


class NewsletterGroup(SnippetViewSetGroup):
    menu_label = "Newsletter"
    menu_icon = "mail"
    menu_order = 250
    items = [EditionViewSet, NewsletterViewSet, SubscriberViewSet, SuppressionViewSet]


register_snippet(NewsletterGroup)


@hooks.register("register_admin_urls")
def newsletter_admin_urls():
    return [
        path("newsletter/editions/<int:pk>/", admin_views.edition_page, name="newsletter_edition"),
        path("newsletter/editions/<int:pk>/action/", admin_views.edition_action, name="newsletter_edition_action"),
        path("newsletter/editions/<int:pk>/preview.html", admin_views.edition_preview_html, name="newsletter_edition_html"),
        path("newsletter/editions/<int:pk>/preview.txt", admin_views.edition_preview_text, name="newsletter_edition_text"),
        path("newsletter/editions/<int:pk>/progress.json", admin_views.edition_progress, name="newsletter_edition_progress"),
        path("newsletter/import/", admin_views.import_page, name="newsletter_import"),
    ]


@hooks.register("register_snippet_listing_buttons")
def edition_buttons(snippet, user, next_url=None):
    if isinstance(snippet, Edition):
        yield ListingButton("Preview and send", reverse("newsletter_edition", args=[snippet.pk]), icon_name="mail", priority=5)


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return MenuItem("Import subscribers", reverse("newsletter_import"), icon_name="upload", order=251)


@hooks.register("before_edit_snippet")
def sent_editions_stay_as_sent(request, instance):
    """An approved or sent edition is what readers get (or got): back to draft first to change it."""
    if isinstance(instance, Edition) and instance.status != Edition.DRAFT:
        messages.error(request, f"This edition is {instance.get_status_display().lower()}: it can't be changed now.")
        return redirect("newsletter_edition", pk=instance.pk)


class PausedEditionsPanel(Component):
    """On the admin's home page, first: a send that paused itself waits for a person."""

    name = "paused_editions"
    order = 10
    template_name = "newsletter/admin/paused_panel.html"

    def __init__(self, editions):
        self.editions = editions

    def get_context_data(self, parent_context):
        return {"editions": self.editions}


@hooks.register("construct_homepage_panels")
def paused_editions_panel(request, panels):
    if request.user.has_perm("newsletter.change_edition"):
        paused = list(Edition.objects.filter(status=Edition.PAUSED).select_related("newsletter").order_by("-paused_at"))
        if paused:
            panels.insert(0, PausedEditionsPanel(paused))


@hooks.register("register_log_actions")
def register_newsletter_log_actions(actions):
    actions.register_action(admin_views.IMPORT_ACTION, _("Subscribers imported"), _("Imported subscribers from a CSV file"))


# What the static publisher renders (publishing/hooks.py names these hooks).
hooks.register("samizdat_published_urls", newsletter_public_urls)
hooks.register("samizdat_listed_on", sample_previews)
