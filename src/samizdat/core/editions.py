"""Editions: one per language in settings.LANGUAGES, each a Wagtail Locale whose pages, authors and
agencies are its own. Adding a language to the settings is enough to have its Locale: it is made
after every migrate (`create_locales`)."""

from django.conf import settings
from django.core.cache import caches
from django.utils import translation
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page


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


def language_of(obj):
    """The language code of the edition `obj` (a page, an author, an agency: anything with a
    `locale_id`) belongs to; Locales read once per publishing batch."""
    languages = caches["batch"].get_or_set(
        "edition-languages", lambda: dict(Locale.objects.values_list("pk", "language_code"))
    )
    if obj.locale_id not in languages:  # a Locale made since the batch read them
        return Locale.objects.get(pk=obj.locale_id).language_code
    return languages[obj.locale_id]


def in_edition_of(obj):
    """Work in the edition of `obj`: its language active, so listings, addresses and dates are
    that edition's (`with in_edition_of(story): ...`)."""
    return translation.override(language_of(obj))


def each_edition():
    """Each edition's language code in turn, active while the caller works in it."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            yield code


def open_languages():
    """The language codes of the editions that are open: those with a live front page (a live page
    at the top of the tree in their Locale). Until an editor publishes one, an edition publishes
    nothing, its newsletter and support pages included. Read once per publishing batch."""
    return caches["batch"].get_or_set(
        "open-editions",
        lambda: list(
            Locale.objects.filter(pk__in=Page.objects.filter(depth=2, live=True).values("locale_id"))
            .order_by("pk")
            .values_list("language_code", flat=True)
        ),
    )
