"""Linked translations: the same page, section, author or tag in each edition (language), for the
`hreflang` alternates of the head and the sitemaps and for the language switcher.

An edition is a content language (WAGTAIL_CONTENT_LANGUAGES) with a live front page. A page's
versions are its live, public translations (Wagtail's `translation_key`); an author's the same when
authors are translatable; a tag, which every edition shares, is in an edition where one of that
edition's published stories carries it. Paths are on the public site; `Version.url` makes one absolute on SITE_URL.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.urls import reverse
from django.utils import translation
from taggit.models import Tag
from wagtail.coreutils import get_content_languages, get_supported_content_language_variant
from wagtail.models import Page, TranslatableMixin

from samizdat.core.editions import active_locale
from samizdat.core.links import absolute_url

from .listing import public_path, published_authors, published_tags, tag_path
from .models.index_pages import HomePage
from .models.people import Author


@dataclass(frozen=True)
class Version:
    """One edition's version of a thing: the edition's language code (Django's, "en-gb", "ru") and
    the version's path on the site."""

    language: str
    path: str

    @property
    def url(self):
        return absolute_url(self.path)

    @property
    def language_name(self):
        """The language's name in itself, as a reader of it looks for it: "Русский", "English"
        (not "British English", unless another edition is in another English)."""
        generic = self.language.split("-")[0]
        alike = [language for language in edition_languages() if language.split("-")[0] == generic]
        try:
            return translation.get_language_info(generic if len(alike) < 2 else self.language)["name_local"]
        except KeyError:  # a language Django has no name for: its own
            return translation.get_language_info(self.language)["name_local"]


def default_language():
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def active_language():
    """The language of the edition being shown, or None when the interface speaks a language
    that no edition is written in."""
    locale = active_locale()
    return locale.language_code if locale else None


def edition_fronts():
    """{language: the path of its front page} for every edition, in the order of
    WAGTAIL_CONTENT_LANGUAGES: a content language without a live front page is no edition."""
    return caches["batch"].get_or_set("edition-fronts", _read_edition_fronts)


def _read_edition_fronts():
    homes = HomePage.objects.live().public().filter(locale__language_code__in=get_content_languages())
    found = {home.locale.language_code: home for home in homes.select_related("locale")}
    return {
        language: public_path(found[language])
        for language in get_content_languages()
        if language in found and public_path(found[language])
    }


def edition_languages():
    return list(edition_fronts())


def edition_paths(url_name):
    """The path of the URL named `url_name` in each edition ("/search/", "/ru/search/")."""
    paths = []
    for language in edition_languages():
        with translation.override(language):
            paths.append(reverse(url_name))
    return paths


def edition_home():
    """The front page of the edition being shown, None if it has none."""
    locale = active_locale()
    return HomePage.objects.live().public().filter(locale=locale).first() if locale else None


def versions_of(thing):
    """[Version] of `thing` (a page, an author or a tag) in every edition it is in, itself
    included, in the editions' order; [] for anything else (a search, a newsletter's page)."""
    if isinstance(thing, Page):
        return page_versions([thing.translation_key]).get(thing.translation_key, [])
    if isinstance(thing, Author):
        return author_versions([thing])[thing.pk]
    if isinstance(thing, Tag):
        return tag_versions([thing.slug]).get(thing.slug, [])
    return []


def page_versions(translation_keys):
    """{translation_key: [Version]} of pages: one query for all of them (a sitemap page names a
    thousand), keys with no live, public page left out."""
    rows = (
        Page.objects.filter(translation_key__in=translation_keys)
        .live()
        .public()
        .values_list("pk", "url_path", "translation_key", "locale__language_code", named=True)
    )
    found = {}
    for row in rows:
        found.setdefault(row.translation_key, {})[row.locale__language_code] = row
    return {key: _in_edition_order(pages, lambda row: public_path(row)) for key, pages in found.items()}


def author_versions(authors):
    """{author pk: [Version]} of authors: one query per edition for all of them, and one for their
    translations when authors are translatable."""
    candidates = {author.pk: {language: author for language in edition_languages()} for author in authors}
    if issubclass(Author, TranslatableMixin):  # each edition's version is the author's translation there
        translations = Author.objects.filter(translation_key__in=[author.translation_key for author in authors])
        by_key = {}
        for version in translations.select_related("locale"):
            by_key.setdefault(version.translation_key, {})[version.locale.language_code] = version
        candidates = {author.pk: by_key.get(author.translation_key, {}) for author in authors}
    shown = {}
    for language in edition_languages():
        with translation.override(language):
            pks = [versions[language].pk for versions in candidates.values() if language in versions]
            shown[language] = set(published_authors().filter(pk__in=pks).values_list("pk", flat=True))
    return {
        pk: _in_edition_order(
            {language: version for language, version in versions.items() if version.pk in shown.get(language, ())},
            lambda version: version.get_absolute_url(),
        )
        for pk, versions in candidates.items()
    }


def tag_versions(slugs):
    """{slug: [Version]} of tags: one query per edition for all of them."""
    in_edition = {}
    for language in edition_languages():
        with translation.override(language):
            for tag in published_tags().filter(slug__in=slugs):
                in_edition.setdefault(tag.slug, {})[language] = tag
    return {slug: _in_edition_order(editions, tag_path) for slug, editions in in_edition.items()}


def _in_edition_order(by_language, path_of):
    """[Version] of the things in `by_language`, the path of each asked of `path_of` with its
    edition's language active (so Django's URL prefix is the edition's)."""
    versions = []
    for language in edition_languages():
        if language in by_language:
            with translation.override(language):
                path = path_of(by_language[language])
            if path:
                versions.append(Version(language, path))
    return versions


def hreflang_links(versions):
    """(hreflang, address) pairs for a thing's versions: each version, then `x-default` (the
    default language's version); none when the thing is in one edition only."""
    if len(versions) < 2:
        return []
    links = [(version.language, version.url) for version in versions]
    links += [("x-default", version.url) for version in versions if version.language == default_language()]
    return links


def switcher_links(versions):
    """[Version] for each other edition than the one shown: the shown thing's version there (one
    of `versions`), else that edition's front page."""
    versions = {version.language: version for version in versions}
    current = active_language()
    return [
        versions.get(language) or Version(language, front)
        for language, front in edition_fronts().items()
        if language != current
    ]
