from samizdat.core.render_cache import memoized

from .models import SectionPage


def sections(request):
    """The section navigation shown in every page's header (once per batch when publishing)."""
    return {
        "site_sections": memoized(
            "site-sections", lambda: list(SectionPage.objects.live().public().in_menu().order_by("path"))
        )
    }
