"""'Read more': the articles shown under an article."""

from django.db.models import Count, Q

from .listing import published_articles, with_listing_parts
from .models import ArticlePage

READ_MORE_COUNT = 4


def read_more(article, limit=READ_MORE_COUNT):
    """Up to `limit` live articles: those sharing most tags first, then the same section; newest first
    within each group. Never the article itself."""
    ids = read_more_ids(article, limit)
    found = with_listing_parts(ArticlePage.objects.filter(pk__in=ids)).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def read_more_ids(article, limit=READ_MORE_COUNT, as_if_live=None):
    """The ids `read_more` shows; `as_if_live` counts one more article as published, so the publisher
    can ask whether a story just taken down was shown here."""
    others = _pool(as_if_live).exclude(pk=article.pk)
    # .all(), not .values_list(): in a preview the tags are modelcluster's in-memory stand-ins,
    # which know no "pk" lookup.
    tag_ids = [tag.pk for tag in article.tag_list if tag.pk]
    chosen = []
    if tag_ids:
        chosen = list(
            others.filter(tagged_items__tag_id__in=tag_ids)
            .annotate(shared_tags=Count("tagged_items", distinct=True))
            .order_by("-shared_tags", "-published_at", "-pk")
            .values_list("pk", flat=True)[:limit]
        )
    if len(chosen) < limit and article.pk:
        parent = article.get_parent()
        same_section = others.child_of(parent).exclude(pk__in=chosen)
        chosen += list(same_section.values_list("pk", flat=True)[: limit - len(chosen)])
    return chosen


def _pool(as_if_live):
    published = published_articles()
    if as_if_live is None or as_if_live.pk is None:
        return published
    return ArticlePage.objects.filter(Q(pk__in=published.values("pk")) | Q(pk=as_if_live.pk)).order_by(
        "-published_at", "-id"
    )
