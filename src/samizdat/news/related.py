"""'Read more': the articles shown under an article."""

from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from django.db.models import Count, Q
from django.template.loader import render_to_string
from wagtail.models import Page, Site

from samizdat.core.render_cache import in_batch, memoized

from .listing import articles_in_order, published_articles
from .models import ArticlePage, ArticleTag

READ_MORE_COUNT = 4
EARLIEST = datetime.min.replace(tzinfo=UTC)  # a story never published sorts after every other


def read_more_fragment(request, url):
    """The Read more part of the story at `url` as its page shows it, for the publisher to refresh
    alone (publishing.sources.Fragment); None if no live story is there. Worked out from the
    batch's index, without loading the story itself."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    index = memoized("read-more-index", ReadMoreIndex)
    pk = index.story_at(site, url)
    if pk is None:
        return None
    articles = articles_in_order(index.read_more_ids_of(pk))
    return render_to_string("news/includes/read_more.html", {"read_more": articles}, request=request)


def _prepare_read_more_fragments(request, urls):
    """Before many Read mores are refreshed: every story they show, fetched in one go rather than
    a few at a time for each (the publisher calls this once per batch, with all their addresses)."""
    site = Site.find_for_request(request)
    if site is None:
        return
    index = memoized("read-more-index", ReadMoreIndex)
    shown = {pk for url in urls if (own := index.story_at(site, url)) for pk in index.read_more_ids_of(own)}
    articles_in_order(sorted(shown))


read_more_fragment.prepare = _prepare_read_more_fragments


def read_more(article, limit=READ_MORE_COUNT):
    """Up to `limit` live articles: those sharing most tags first, then the same section; newest first
    within each group. Never the article itself."""
    if in_batch() and article.live and article.pk and not article.has_unpublished_changes and _many_in_batch():
        # Publishing thousands of stories: one look at the tag table serves them all.
        ids = memoized("read-more-index", ReadMoreIndex).read_more_ids(article, limit)
    else:
        ids = read_more_ids(article, limit)
    return articles_in_order(ids)


def _many_in_batch(enough=20):
    """Whether this batch has asked for Read more often enough that reading the whole tag table
    pays off (0.2 s on 10,000 stories): not for one story published on its own."""
    asked = memoized("read-more-asked", lambda: [0])
    asked[0] += 1
    return asked[0] > enough


class ReadMoreIndex:
    """Every live article's date, section and tags, read at once, answering read_more_ids()'s
    question by the same rule in memory (tests/news/test_read_more.py checks they agree)."""

    def __init__(self):
        self.published, self.section_of, self.at_url_path = {}, {}, {}
        self.by_section = defaultdict(list)
        for pk, published_at, path, url_path in published_articles().values_list(
            "pk", "published_at", "path", "url_path"
        ):
            self.published[pk] = published_at
            self.section_of[pk] = path[: -Page.steplen]
            self.by_section[self.section_of[pk]].append(pk)  # newest first, as published_articles()
            self.at_url_path[url_path] = pk
        self.members, self.tags_of = defaultdict(list), defaultdict(set)
        for pk, tag_id in ArticleTag.objects.values_list("content_object_id", "tag_id"):
            if pk in self.published:
                self.members[tag_id].append(pk)
                self.tags_of[pk].add(tag_id)

    def story_at(self, site, url):
        """The id of the live story at the public address `url` on `site`, percent-encoded or not."""
        return self.at_url_path.get(site.root_page.url_path.rstrip("/") + unquote(urlsplit(url).path))

    def read_more_ids(self, article, limit=READ_MORE_COUNT):
        tag_ids = {tag.pk for tag in article.tag_list if tag.pk}
        return self._ids(article.pk, tag_ids, article.path[: -Page.steplen], limit)

    def read_more_ids_of(self, pk, limit=READ_MORE_COUNT):
        """read_more_ids() of the live article `pk`, from the index alone."""
        return self._ids(pk, self.tags_of[pk], self.section_of[pk], limit)

    def readers_of(self, article, limit=READ_MORE_COUNT):
        """Ids of the live articles whose Read more shows `article` now, or would if it were live:
        what the publisher asks when a story changes. Each candidate is asked by the same rule,
        with the story counted in."""
        pk, section = article.pk, article.path[: -Page.steplen]
        tag_ids = set(ArticleTag.objects.filter(content_object_id=pk).values_list("tag_id", flat=True))
        with self._counted_as_live(pk, tag_ids, section, article.published_at):
            # Tag mates can show it; so can stories of its section, when they have few tag mates.
            mates = {other for tag_id in tag_ids for other in self.members[tag_id]}
            fill_ins = {other for other in self.by_section[section] if other not in mates and self._few_mates(other, limit)}
            candidates = (mates | fill_ins) - {pk}
            return [other for other in candidates if pk in self.read_more_ids_of(other, limit)]

    def _few_mates(self, pk, limit):
        """Whether fewer than `limit` stories share a tag with `pk`: only then does its Read more
        take stories of its section."""
        mates = set()
        for tag_id in self.tags_of[pk]:
            mates.update(self.members[tag_id])
            if len(mates) > limit:  # itself among them
                return False
        return len(mates - {pk}) < limit

    @contextmanager
    def _counted_as_live(self, pk, tag_ids, section, published_at):
        if pk in self.published:
            yield
            return
        self.published[pk] = published_at or EARLIEST
        self.section_of[pk], self.tags_of[pk] = section, set(tag_ids)
        for tag_id in tag_ids:
            self.members[tag_id].append(pk)
        in_section = self.by_section[section]
        # Newest first, as published_articles() orders them.
        position = next(
            (n for n, other in enumerate(in_section) if (self.published[other], other) < (self.published[pk], pk)),
            len(in_section),
        )
        in_section.insert(position, pk)
        try:
            yield
        finally:
            in_section.remove(pk)
            for tag_id in tag_ids:
                self.members[tag_id].remove(pk)
            del self.published[pk], self.section_of[pk], self.tags_of[pk]

    def _ids(self, own_pk, tag_ids, section, limit):
        shared = defaultdict(int)
        for tag_id in tag_ids:
            for pk in self.members[tag_id]:
                if pk != own_pk:
                    shared[pk] += 1
        chosen = sorted(shared, key=lambda pk: (shared[pk], self.published[pk], pk), reverse=True)[:limit]
        if len(chosen) < limit:
            for pk in self.by_section[section]:
                if len(chosen) == limit:
                    break
                if pk != own_pk and pk not in chosen:
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
