"""The Wagtail hooks through which apps tell the publisher what they publish. Each app registers
its functions in its own wagtail_hooks.py, importing what it registers, so the imports show who
publishes what:

    from wagtail import hooks

    @hooks.register("samizdat_published_urls")
    def newsletter_addresses(): ...

samizdat_addresses         fn() -> [(model, public_urls(obj), listed_on(obj))]: the two questions below
                           answered for a model's instances by the app's own code (either may be
                           None), for models that can't answer them themselves: the code that
                           works the addresses out reads those models, so they can't import it.
samizdat_published_urls    fn() -> addresses that are not pages (feeds, tags, a support page): what
                           a full rebuild renders besides every live page.
samizdat_listed_on         fn(obj) -> addresses of other apps' pages that show `obj` (a story in a
                           newsletter's sample preview), besides what obj.listed_on() names.
samizdat_shown_on          fn() -> (model, fn(instance) -> pages): a model that is not a page but is
                           shown on pages (a picture). Saving or deleting one republishes the pages.
samizdat_page_parts        fn() -> a page part the publisher may refresh alone, splicing it into the
                           published file between <!--fragment:NAME--> and <!--/fragment:NAME-->:
                           an object with
                             name                      the NAME of its markers;
                             pages_showing(obj)        addresses whose page shows `obj` only in that
                                                       part (a story in other stories' Read more);
                             render(request, url)      the part, markers included; None if the page
                                                       is not there (the whole page is rendered);
                             prepare(request, urls)    called once before many of them are rendered.
samizdat_before_rendering  fn(request, urls): called with a batch's page addresses before they are
                           rendered, to fetch at once what many of them show. Only a head start:
                           the pages come out the same without it.

Objects themselves answer public_urls() and listed_on() (sources.py), or samizdat_addresses for them.
"""

import logging

from wagtail import hooks

logger = logging.getLogger(__name__)


def published_urls():
    for fn in hooks.get_hooks("samizdat_published_urls"):
        yield from fn()


def addresses_for(obj):
    """(public_urls, listed_on) registered for obj's model through samizdat_addresses; either None."""
    for fn in hooks.get_hooks("samizdat_addresses"):
        for model, public_urls, listed_on in fn():
            if isinstance(obj, model):
                return public_urls, listed_on
    return None, None


def listed_elsewhere(obj):
    return [url for fn in hooks.get_hooks("samizdat_listed_on") for url in fn(obj)]


def shown_on():
    """{model: fn(instance) -> the pages that show it}."""
    return dict(fn() for fn in hooks.get_hooks("samizdat_shown_on"))


def page_parts():
    """{name: part}."""
    parts = [fn() for fn in hooks.get_hooks("samizdat_page_parts")]
    return {part.name: part for part in parts}


def before_rendering(request, urls):
    for fn in hooks.get_hooks("samizdat_before_rendering"):
        try:
            fn(request, urls)
        except Exception:  # only a head start: each page still fetches what it needs
            logger.exception("Preparing pages with %s failed", fn.__qualname__)
