"""Reader revenue in the Wagtail admin: appeals (snippets), donations, recurring donations and the
revenue report (admin.py holds the views)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin import CONFIRM_ACTION, admin_urls, revenue_viewsets
from .models import Appeal
from .public_urls import support_urls


class AppealViewSet(SnippetViewSet):
    model = Appeal
    icon = "pick"
    menu_label = "Appeals"
    list_display = ["name", "placement", "heading", "live", "starts_at", "ends_at"]
    list_filter = ["placement", "live"]
    search_fields = ["name", "heading"]
    menu_order = 300
    add_to_admin_menu = True


register_snippet(AppealViewSet)


class RevenueReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("support.view_donation")


@hooks.register("register_admin_viewset")
def register_revenue():
    return revenue_viewsets()


@hooks.register("register_admin_urls")
def register_revenue_urls():
    return admin_urls()


@hooks.register("register_reports_menu_item")
def register_revenue_report_menu_item():
    return RevenueReportMenuItem("Revenue", reverse("support_revenue_report"), icon_name="pick", order=900)


@hooks.register("register_log_actions")
def register_support_log_actions(actions):
    actions.register_action(CONFIRM_ACTION, _("Gift confirmed"), _("Confirmed a manual gift arrived"))


# What the static publisher renders (publishing/hooks.py names the hook).
hooks.register("samizdat_published_urls", support_urls)
