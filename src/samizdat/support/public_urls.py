"""The published files reader revenue adds to the site (PUBLISHED_URL_SOURCES)."""

from django.conf import settings

SUPPORT_PAGE = "/support/"
APPEALS_FILE = "/support/appeals.json"


def support_urls():
    if not settings.SUPPORT_ENABLED:
        return []
    return [SUPPORT_PAGE, APPEALS_FILE]
