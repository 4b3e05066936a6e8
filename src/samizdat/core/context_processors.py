from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .models import NewsroomSettings, newsroom_settings


def site_url(request):
    return {"SITE_URL": settings.SITE_URL, "MIRROR_URLS": settings.MIRROR_URLS}


def site_settings(request):
    """`site_settings.core.NewsroomSettings` for every template, as Wagtail's `get_settings` gives
    it, read from the default site once per publishing batch rather than once per page."""
    def load():
        return {"core": {"NewsroomSettings": newsroom_settings() or NewsroomSettings()}}

    return {"site_settings": SimpleLazyObject(load)}
