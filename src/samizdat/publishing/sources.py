"""What the publisher asks of pages and snippets.

An object that appears on the public site may define
    public_urls()  its own addresses, most important first (a page, its /page/N/, its feeds);
    listed_on()    addresses of other pages that show it (listings, feeds, sitemaps).
Models that can't (their addresses are worked out by code that reads them) are answered for
through the samizdat_addresses hook. A page without either publishes its own address only. "*" among the addresses means "every page"
(a section renamed in the menu, the newsroom's name): the publisher rebuilds the whole site.
Other apps add to them through the hooks in hooks.py: pages of theirs that show the object
(samizdat_listed_on), and pages that show it only in one marked part, which the publisher may
refresh alone (samizdat_page_parts: a story in another story's Read more), as PartOfPage.
"""

from typing import NamedTuple

from django.apps import apps
from wagtail.models import Page

from .batch_cache import batch
from .hooks import addresses_for, listed_elsewhere, page_parts, published_urls

EVERYTHING = "*"


class PartOfPage(NamedTuple):
    """The page at `url`, which shows the object only in its part `part` (a samizdat_page_parts
    name): the publisher may render that part alone and splice it into the file."""

    url: str
    part: str


def address(url):
    """The address of a page or of the page a PartOfPage is part of."""
    return url.url if isinstance(url, PartOfPage) else url


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
    public_urls, _ = addresses_for(obj)
    if public_urls is not None:
        return list(public_urls(obj))
    if isinstance(obj, Page):
        parts = obj.get_url_parts()
        return [parts[2]] if parts and parts[2] else []
    return []


def listing_urls(obj):
    """Where other pages show `obj`: what it names, what other apps add, then the pages that show
    it only in a part of theirs."""
    if hasattr(obj, "listed_on"):
        urls = list(obj.listed_on())
    else:
        listed_on = addresses_for(obj)[1]
        urls = list(listed_on(obj)) if listed_on else []
    urls += listed_elsewhere(obj)
    return urls + [PartOfPage(url, part.name) for part in page_parts().values() for url in part.pages_showing(obj)]


def urls_of(obj):
    """Where an object is shown now (own addresses first), or would be shown if it were live."""
    return own_urls(obj) + listing_urls(obj)


def shows_on_site(obj):
    """Whether changes to this kind of object concern the publisher at all."""
    if isinstance(obj, Page) or hasattr(obj, "public_urls") or hasattr(obj, "listed_on"):
        return True
    return addresses_for(obj) != (None, None)


def every_url():
    """Every address of the public site, for a full rebuild: all live pages, then what the
    samizdat_published_urls hooks add (tags, authors, feeds, sitemaps), without repeats."""
    seen = set()
    with batch():  # one batch of questions: the site's root paths looked up once, say
        pages = Page.objects.live().public().filter(depth__gt=1).order_by("depth", "path").specific(defer=True)
        sources = [url for page in pages.iterator(chunk_size=1000) for url in own_urls(page)]
        sources += list(published_urls())
    for url in sources:
        if url not in seen and url != EVERYTHING:
            seen.add(url)
            yield url

