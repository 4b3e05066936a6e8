from django.core.cache import caches
from django.http import Http404
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import PageViewRestriction

from .models import PublishingProblem
from .output import remove_abandoned_builds
from .publish import warm_up
from .render import PublisherRequest


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


@hooks.register("on_serve_page", order=-100)
def private_pages_are_not_published(callback):
    """A page behind a password, a login or a group is for Django to serve, never a public file:
    to the publisher it is not there (its file is removed). Runs before Wagtail's own check,
    which would answer with a password form. Most newsrooms have no restriction at all: while the
    publisher renders a batch, one look at the table answers for every page."""

    def inner(page, request, serve_args, serve_kwargs):
        if (
            isinstance(request, PublisherRequest)
            and caches["batch"].get_or_set("any-view-restrictions", PageViewRestriction.objects.exists)
            and page.get_view_restrictions().exists()
        ):
            raise Http404("private page")
        return callback(page, request, serve_args, serve_kwargs)

    return inner


@hooks.register("samizdat_published_urls")
def mirrors_page():
    return ["/mirrors/"]


# A worker starting (core's `worker` command): what a killed worker left is cleared away, and the
# first change after a restart is published as quickly as the next.
hooks.register("samizdat_worker_started", remove_abandoned_builds)
hooks.register("samizdat_worker_started", warm_up)
