from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from .models import PublishingProblem


class PublishingProblemViewSet(ModelViewSet):
    """Reports → Publishing problems: pages that failed to render; their previous files still serve."""

    model = PublishingProblem
    icon = "warning"
    menu_label = "Publishing problems"
    menu_hook = "register_reports_menu_item"  # under Reports, beside Wagtail's own reports
    list_display = ["url", "message", "happened_at"]
    search_fields = ["url", "message"]
    form_fields = ["url", "message"]
    inspect_view_enabled = True


@hooks.register("register_admin_viewset")
def register_publishing_problems():
    return PublishingProblemViewSet("publishing_problems")
