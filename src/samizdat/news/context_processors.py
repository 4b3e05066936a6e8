from django.core.cache import caches

from .listing import in_edition, public_path
from .models import SectionPage


def sections(request):
    """The section navigation shown in every page's header, each section with its `public_path`
    (once per batch when publishing, rather than a `pageurl` per link on every page)."""
    return {"site_sections": caches["batch"].get_or_set("site-sections", _menu_sections)}


def _menu_sections():
    menu = list(in_edition(SectionPage.objects.live().public().in_menu()).order_by("path"))
    for section in menu:
        section.public_path = public_path(section)
    return menu
