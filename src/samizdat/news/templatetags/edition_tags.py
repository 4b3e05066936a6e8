"""The editions in a page's head and header: `{% edition_head %}` (hreflang alternates) and
`{% edition_switcher %}` (links to the other editions). Both find what the page shows in its
context: a Wagtail `page`, else the listing's `author` or `tag`."""

from django import template
from django.core.cache import caches

from ..alternates import hreflang_links, switcher_links, versions_of

register = template.Library()

# The context variables naming what a page shows, in the order they are looked for.
SHOWN = ("page", "author", "tag")


def versions_shown(context):
    """The versions of what the page shows, asked by its head and its header: read once per
    publishing batch."""
    thing = next((context[name] for name in SHOWN if context.get(name) is not None), None)
    if getattr(thing, "pk", None) is None:  # a search, a preview of a page never saved
        return []
    return caches["batch"].get_or_set(("edition-versions", type(thing).__name__, thing.pk), lambda: versions_of(thing))


@register.inclusion_tag("news/includes/edition_head.html", takes_context=True)
def edition_head(context):
    return {"links": hreflang_links(versions_shown(context))}


@register.inclusion_tag("news/includes/edition_switcher.html", takes_context=True)
def edition_switcher(context):
    return {"editions": switcher_links(versions_shown(context))}
