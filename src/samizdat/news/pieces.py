"""A template rendered from plain data, through Django's cache alias "pieces" (settings.CACHES):
the publisher keeps each piece from one batch to the next under the template's source and the
data; anywhere else it is simply rendered."""

from django.core.cache import caches
from django.template.loader import render_to_string


def render_kept(template_name, data, also=()):
    """`template_name` rendered from `data`. `data` must be plain (str, numbers, dates, None, and
    tuples, lists and dicts of them) and all the template reads: a model instance or a queryset
    could show fields the key knows nothing of, and is refused. No request either: context
    processors would be read too. `also`: templates it renders other than by {% include %} and
    {% extends %} (a StreamField's blocks')."""
    maker = (template_name, *also) if also else template_name
    return caches["pieces"].get_or_set((maker, data), lambda: render_to_string(template_name, data))
