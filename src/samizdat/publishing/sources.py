"""What the publisher asks of pages and snippets: the small hook `news` and `core` answer.

An object that appears on the public site may define
    public_urls()  its own addresses, most important first (a page, its /page/N/, its feeds);
    listed_on()    addresses of other pages that show it (listings, feeds, sitemaps, Read more).
A page without them publishes its own address only. "*" among the addresses means "every page"
(a section renamed in the menu, the newsroom's name): the publisher rebuilds the whole site.
An address given as `Fragment(url, name)` shows the object only in one marked part of that page
(a story in another story's Read more): the publisher may refresh that part alone.
"""

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string
from wagtail.models import Page

from samizdat.core.render_cache import render_cache

EVERYTHING = "*"


class Fragment(str):
    """An address whose page shows the object only between `<!--fragment:NAME-->` and
    `<!--/fragment:NAME-->`; settings.PUBLISHED_FRAGMENTS names the function that renders that
    part. It is still the address, so everything that takes addresses takes it."""

    def __new__(cls, url, name):
        address = super().__new__(cls, url)
        address.fragment = name
        return address

    def __getnewargs__(self):  # pickled for a rebuild's worker processes
        return (str(self), self.fragment)


def key_of(obj):
    model = type(obj)._meta.concrete_model._meta
    if isinstance(obj, Page):
        model = Page._meta  # one key per page, whatever its type
    return f"{model.app_label}.{model.model_name}:{obj.pk}"


def object_for(key):
    """The object a key names, or None if it is gone."""
    label, _, pk = key.rpartition(":")
    model = apps.get_model(label)
    obj = model._default_manager.filter(pk=pk).first()
    return obj.specific if isinstance(obj, Page) else obj


def is_published(obj):
    return obj is not None and (not isinstance(obj, Page) or (obj.live and not obj.get_view_restrictions().exists()))


def own_urls(obj):
    if hasattr(obj, "public_urls"):
        return list(obj.public_urls())
    if isinstance(obj, Page):
        parts = obj.get_url_parts()
        return [parts[2]] if parts and parts[2] else []
    return []


def listing_urls(obj):
    return list(obj.listed_on()) if hasattr(obj, "listed_on") else []


def shows_on_site(obj):
    """Whether changes to this kind of object concern the publisher at all."""
    return isinstance(obj, Page) or hasattr(obj, "public_urls") or hasattr(obj, "listed_on")


def every_url():
    """Every address of the public site, for a full rebuild: all live pages, then what the
    PUBLISHED_URL_SOURCES add (tags, authors, feeds, sitemaps), without repeats."""
    seen = set()
    with render_cache():  # one batch of questions: the site's root paths looked up once, say
        pages = Page.objects.live().public().filter(depth__gt=1).order_by("depth", "path").specific(defer=True)
        sources = [url for page in pages.iterator(chunk_size=1000) for url in own_urls(page)]
        for source in settings.PUBLISHED_URL_SOURCES:
            sources += list(import_string(source)())
    for url in sources:
        if url not in seen and url != EVERYTHING:
            seen.add(url)
            yield url


def mirrors_page_urls():
    return ["/mirrors/"]
