"""What every page type of samizdat shares with the publisher."""

from wagtail.models import PageViewRestriction

from .render_cache import in_batch, memoized


class PublishedPage:
    """Mixed into each page model, before Wagtail's Page.

    Wagtail checks a page's view restrictions on every serve, two queries looking at it and its
    ancestors. Most newsrooms have none at all: while the publisher renders a batch, one look
    at the table answers for every page."""

    def get_view_restrictions(self):
        if in_batch() and not memoized("any-view-restrictions", PageViewRestriction.objects.exists):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
