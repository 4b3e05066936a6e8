"""'Read more': the articles shown under an article."""

from django.db.models import Count

from .listing import published_articles, with_listing_parts

READ_MORE_COUNT = 4


def read_more(article, limit=READ_MORE_COUNT):
    """Up to `limit` live articles: those sharing most tags first, then the same section; newest first
    within each group. Never the article itself."""
    others = published_articles().exclude(pk=article.pk)
    # .all(), not .values_list(): in a preview the tags are modelcluster's in-memory stand-ins,
    # which know no "pk" lookup.
    tag_ids = [tag.pk for tag in article.tags.all() if tag.pk]
    chosen = []
    if tag_ids:
        chosen = list(
            with_listing_parts(
                others.filter(tagged_items__tag_id__in=tag_ids)
                .annotate(shared_tags=Count("tagged_items", distinct=True))
                .order_by("-shared_tags", "-published_at", "-pk")
            )[:limit]
        )
    if len(chosen) < limit and article.pk:
        parent = article.get_parent()
        same_section = others.child_of(parent).exclude(pk__in=[a.pk for a in chosen])
        chosen += list(with_listing_parts(same_section)[: limit - len(chosen)])
    return chosen
