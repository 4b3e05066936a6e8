"""A listing's pages: its front (the newest stories) and its archive pages, as teasers."""

from dataclasses import dataclass

from django.core.cache import caches
from django.http import Http404

from .listing import archive_page_count, archive_page_of, page_size
from .teasers import teasers


@dataclass
class ListingPage:
    """One page of a listing: its front (`number` None, the newest stories) or an archive page.

    Archive pages are numbered from the oldest story: page 1 holds the first twenty ever published,
    and a page keeps its stories when new ones arrive. Publishing a story then changes a listing's
    front and its newest archive page, not every page of it: what lets a static site of ten
    thousand stories publish in a second (docs/publishing.md)."""

    object_list: list
    number: int | None = None
    newer_url: str | None = None
    older_url: str | None = None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def listing_front(queryset, base_path):
    """The newest stories of a listing, with a link to the archive page where the older ones go on."""
    size = page_size()
    articles = listed_teasers(queryset[: size + 1])
    older = None
    if len(articles) > size:
        older = f"{base_path}page/{archive_page_of(listing_count(queryset, base_path) - 1 - size)}/"
    return ListingPage(articles[:size], None, None, older)


def listing_count(queryset, base_path):
    """How many stories the listing at `base_path` has: counted once per publishing batch, not once
    for each of its hundreds of archive pages."""
    return caches["batch"].get_or_set(("listing-count", base_path), queryset.count)


def archive_page(queryset, base_path, number):
    """Archive page `number`, newest first; past the end, zero or negative is a 404, not an error."""
    size, count = page_size(), listing_count(queryset, base_path)
    pages = archive_page_count(count)
    if not 1 <= number <= pages:
        raise Http404("No such page")
    start, end = max(0, count - number * size), count - (number - 1) * size
    newer = base_path if number == pages else f"{base_path}page/{number + 1}/"
    older = f"{base_path}page/{number - 1}/" if number > 1 else None
    return ListingPage(listed_teasers(queryset[start:end]), number, newer, older)


def listing_page(queryset, base_path, number=None):
    return listing_front(queryset, base_path) if number is None else archive_page(queryset, base_path, number)


def listed_teasers(queryset):
    """The teasers of the stories in `queryset`, in its order."""
    return teasers(list(queryset.values_list("pk", flat=True)))
