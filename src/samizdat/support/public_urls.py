"""The published files reader revenue adds to the site (the samizdat_published_urls hook,
registered in wagtail_hooks.py): the support page and the appeals file of every open edition."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from samizdat.core.editions import open_languages


def edition_address(language, name):
    """The path of the view `support:<name>` in `language`'s edition: /ru/support/ for Russian."""
    with translation.override(language):
        return reverse(f"support:{name}")


def support_urls():
    if not settings.SUPPORT_ENABLED:
        return []
    return [edition_address(language, name) for language in open_languages() for name in ("page", "appeals")]
