"""The published files reader revenue adds to the site (the samizdat_published_urls hook,
registered in wagtail_hooks.py)."""

from django.conf import settings

SUPPORT_PAGE = "/support/"
APPEALS_FILE = "/support/appeals.json"


def support_urls():
    if not settings.SUPPORT_ENABLED:
        return []
    return [SUPPORT_PAGE, APPEALS_FILE]
