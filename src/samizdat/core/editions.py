"""Editions: one per language in settings.LANGUAGES, each a Wagtail Locale whose pages, authors and
agencies are its own. Adding a language to the settings is enough to have its Locale: it is made
after every migrate (`create_locales`)."""

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale


def create_locales(**kwargs):
    """A Locale for every edition that has none yet (post_migrate): the rows Wagtail's pages,
    authors and agencies point at. Existing rows (the first, `en-gb`) are kept as they are."""
    for code, _name in settings.LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


def active_locale():
    """The Locale of the active language's edition, read once per publishing batch (and language),
    or None for a language the interface speaks but no edition is written in."""
    return caches["batch"].get_or_set("active-locale", _active_locale)


def _active_locale():
    try:
        code = get_supported_content_language_variant(get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return None
    return Locale.objects.filter(language_code=code).first()
