"""A writer who opens a photo or document held for review is told why.

Wagtail's edit and delete views refuse when the permission policy says no, with a general
"Sorry, you do not have permission to access this area." on the dashboard. Before those views
run, this sends a writer back to the listing with the reason and what to do instead.
"""

from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from .review import ReviewedMediaPermissionPolicy

# view name -> (model getter, the URL's id argument, the listing to go back to)
HELD_VIEWS = {
    "wagtailimages:edit": (get_image_model, "image_id", "wagtailimages:index"),
    "wagtailimages:delete": (get_image_model, "image_id", "wagtailimages:index"),
    "wagtaildocs:edit": (get_document_model, "document_id", "wagtaildocs:index"),
    "wagtaildocs:delete": (get_document_model, "document_id", "wagtaildocs:index"),
}


def held_instance(request):
    """The image or document this admin request is about, if it is held for review from this user."""
    match = request.resolver_match
    if match is None or match.view_name not in HELD_VIEWS or not request.user.is_authenticated:
        return None, None  # the view name first: readers' requests never load a session for this
    model_of, argument, listing = HELD_VIEWS[match.view_name]
    model = model_of()
    instance = model.objects.filter(pk=match.kwargs.get(argument)).first()
    policy = policy_registry.get_by_type(model)
    if instance is None or not isinstance(policy, ReviewedMediaPermissionPolicy):
        return None, None
    if not policy.held_for_review(request.user, instance):
        return None, None
    return instance, listing


class HeldForReviewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        instance, listing = held_instance(request)
        if instance is None:
            return None
        messages.error(
            request,
            _(
                "“%(title)s” is already used (by a page, published or not: a draft, one scheduled or in "
                "moderation), so only an editor can change or delete it: every change readers see is "
                "reviewed. Ask an editor, or upload a new file and use it in your draft."
            )
            % {"title": instance.title},
        )
        return redirect(listing)
