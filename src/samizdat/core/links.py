"""Absolute links to the public site, built from SITE_URL so feeds, sitemaps and mirrors agree."""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path):
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + "/" + path.lstrip("/")


def site_scheme():
    return urlsplit(settings.SITE_URL).scheme or "https"


def site_domain():
    return urlsplit(settings.SITE_URL).netloc
