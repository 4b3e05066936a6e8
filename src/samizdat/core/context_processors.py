from django.conf import settings
from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from .models import NewsroomSettings
from .render_cache import memoized


def site_url(request):
    return {"SITE_URL": settings.SITE_URL, "MIRROR_URLS": settings.MIRROR_URLS}


def site_settings(request):
    """`site_settings.core.NewsroomSettings` for every template, as Wagtail's `get_settings` gives
    it, read from the default site once per publishing batch rather than once per page."""

    def load():
        site = Site.objects.filter(is_default_site=True).first()
        return {"core": {"NewsroomSettings": NewsroomSettings.for_site(site) if site else NewsroomSettings()}}

    return {"site_settings": SimpleLazyObject(lambda: memoized("site-settings", load))}
