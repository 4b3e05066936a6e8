from .models import SectionPage


def sections(request):
    """The section navigation shown in every page's header."""
    return {"site_sections": SectionPage.objects.live().public().in_menu().order_by("path")}
