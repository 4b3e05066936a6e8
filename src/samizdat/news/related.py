"""'Read more': the articles shown under an article."""

from collections import defaultdict

from django.db.models import Count, Q
from django.template.loader import render_to_string
from wagtail.models import Page

from samizdat.core.render_cache import in_batch, memoized

from .listing import articles_in_order, published_articles
from .models import ArticlePage, ArticleTag

READ_MORE_COUNT = 4


def read_more_fragment(request, url):
    """The Read more part of the story at `url` as its page shows it, for the publisher to refresh
    alone (publishing.sources.Fragment); None if no live story is there."""
    article = Page.find_for_request(request, url)
    if not isinstance(article, ArticlePage):
        return None
    return render_to_string("news/includes/read_more.html", {"read_more": read_more(article)}, request=request)


def read_more(article, limit=READ_MORE_COUNT):
    """Up to `limit` live articles: those sharing most tags first, then the same section; newest first
    within each group. Never the article itself."""
    if in_batch() and article.live and article.pk and not article.has_unpublished_changes:
        # Publishing thousands of stories: one look at the tag table serves them all.
        ids = memoized("read-more-index", ReadMoreIndex).read_more_ids(article, limit)
    else:
        ids = read_more_ids(article, limit)
    return articles_in_order(ids)


class ReadMoreIndex:
    """Every live article's date, section and tags, read at once, answering read_more_ids()'s
    question by the same rule in memory (tests/news/test_read_more.py checks they agree)."""

    def __init__(self):
        self.published = {}
        self.by_section = defaultdict(list)
        for pk, published_at, path in published_articles().values_list("pk", "published_at", "path"):
            self.published[pk] = published_at
            self.by_section[path[: -Page.steplen]].append(pk)  # newest first, as published_articles()
        self.members = defaultdict(list)
        for pk, tag_id in ArticleTag.objects.values_list("content_object_id", "tag_id"):
            if pk in self.published:
                self.members[tag_id].append(pk)

    def read_more_ids(self, article, limit=READ_MORE_COUNT):
        shared = defaultdict(int)
        for tag_id in {tag.pk for tag in article.tag_list if tag.pk}:
            for pk in self.members[tag_id]:
                if pk != article.pk:
                    shared[pk] += 1
        chosen = sorted(shared, key=lambda pk: (shared[pk], self.published[pk], pk), reverse=True)[:limit]
        if len(chosen) < limit:
            for pk in self.by_section[article.path[: -Page.steplen]]:
                if len(chosen) == limit:
                    break
                if pk != article.pk and pk not in chosen:
                    chosen.append(pk)
        return chosen


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
