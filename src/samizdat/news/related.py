"""'Read more': the articles shown under an article."""

from collections import defaultdict

from django.core.cache import caches
from django.db.models import Q
from django.template.loader import render_to_string
from wagtail.models import Page

from samizdat.core.editions import in_edition_of

from .listing import public_path, published_articles, site_of
from .models import ArticlePage, ArticleTag
from .story_index import story_index, story_index_read
from .teasers import teasers

READ_MORE_COUNT = 4


class ReadMorePart:
    """A story's Read more as a part of its page the publisher can refresh alone (registered as
    the samizdat_page_parts hook in wagtail_hooks.py): a story edited shows in other stories'
    Read more, and that part costs a tenth of the whole page."""

    name = "read-more"  # news/includes/read_more.html marks it so

    def pages_showing(self, obj):
        if not isinstance(obj, ArticlePage):
            return []
        with in_edition_of(obj):  # Read more lists stories of the story's own edition
            return [url for url in map(public_path, articles_whose_read_more_lists(obj)) if url]

    def render(self, request, url):
        """The part of the story at `url` as its page shows it; None if no live story is there.
        Worked out from the batch's story index, without loading the story itself."""
        site = site_of(request)
        pk = story_index().story_at(site, url) if site else None
        if pk is None:
            return None
        return render_to_string("news/includes/read_more.html", {"read_more": teasers(read_more_ids_of(pk))})

    def prepare(self, request, urls):
        """What every story the parts show needs for its teaser, read in one go rather than a few
        at a time for each."""
        site = site_of(request)
        if site is None:
            return
        index = story_index()
        teasers(sorted({pk for url in urls if (own := index.story_at(site, url)) for pk in read_more_ids_of(own)}))


def articles_whose_read_more_lists(article):
    """Live articles whose Read more shows `article` now, or would if it were live, as rows
    (pk, url_path), newest first.

    Asked of the batch's story index (every live story's order, section and tags, read once),
    which the pages rendered next use too: asking the database story by story took over a second
    on a 10,000-story archive."""
    index = story_index()  # one index for both questions, also outside a publishing batch
    return index.rows(readers_of(article, index=index))


def read_more(article, limit=READ_MORE_COUNT):
    """Up to `limit` live articles: those sharing most tags first, then the same section; newest first
    within each group. Never the article itself."""
    return teasers(read_more_ids(article, limit))


def read_more_ids(article, limit=READ_MORE_COUNT, as_if_live=None):
    """The ids `read_more` shows, by the one rule (_chosen()), on the stories near `article` read
    for it alone; or, in a batch that has read every live story's place already, on that story
    index. `as_if_live` counts one more article as published, so the publisher can ask whether a
    story just taken down was shown here."""
    if (
        as_if_live is None and article.pk and story_index_read()
        and article.live and not article.has_unpublished_changes and article.pk in story_index()
    ):
        return read_more_ids_of(article.pk, limit)
    # .all(), not .values_list(): in a preview the tags are modelcluster's in-memory stand-ins,
    # which know no "pk" lookup.
    tag_ids = [tag.pk for tag in article.tag_list if tag.pk]
    return _chosen(NearbyStories(article, tag_ids, limit, as_if_live), article.pk, limit)


def read_more_ids_of(pk, limit=READ_MORE_COUNT):
    """read_more_ids() of the live story `pk`, from the batch's story index alone (once per batch:
    a story's Read more is asked when its stories are fetched and again when it is rendered)."""
    index = story_index()
    return caches["batch"].get_or_set(("read-more-of", pk, limit), lambda: _chosen(index, pk, limit))


def readers_of(article, limit=READ_MORE_COUNT, index=None):
    """Ids of the live stories whose Read more shows `article` now, or would if it were live: what
    the publisher asks when a story changes. Each candidate is asked by the same rule, with the
    story counted in, on `index` (the batch's story index if not given)."""
    index = story_index() if index is None else index
    pk, section = article.pk, article.path[: -Page.steplen]
    tag_ids = set(ArticleTag.objects.filter(content_object_id=pk).values_list("tag_id", flat=True))
    with index.counted_as_live(article, tag_ids):
        # Tag mates can show it; so can stories of its section, when they have few tag mates.
        mates = {other for tag_id in tag_ids for other in index.members[tag_id]}
        fill_ins = {
            other for other in index.by_section[section] if other not in mates and _few_mates(index, other, limit)
        }
        return [other for other in (mates | fill_ins) - {pk} if pk in _chosen(index, other, limit)]


def _few_mates(index, pk, limit):
    """Whether fewer than `limit` stories share a tag with `pk`: only then does its Read more take
    stories of its section."""
    mates = set()
    for tag_id in index.tags_of[pk]:
        mates.update(index.members[tag_id])
        if len(mates) > limit:  # itself among them
            return False
    return len(mates - {pk}) < limit


def _chosen(index, own_pk, limit):
    """read_more_ids()' rule for the story `own_pk`, on the story index."""
    shared = defaultdict(int)
    for tag_id in index.tags_of[own_pk]:
        for pk in index.members[tag_id]:
            if pk != own_pk:
                shared[pk] += 1
    order = index.order
    chosen = sorted(shared, key=lambda pk: (shared[pk], order[pk]), reverse=True)[:limit]
    if len(chosen) < limit:
        for pk in index.by_section[index.section_of[own_pk]]:
            if len(chosen) == limit:
                break
            if pk != own_pk and pk not in chosen:
                chosen.append(pk)
    return chosen


class NearbyStories:
    """The part of the story index (story_index.StoryIndex) one story's Read more reads: the live
    stories sharing a tag with it and the newest of its section, in the same order."""

    def __init__(self, article, tag_ids, limit, as_if_live=None):
        own, pool = article.pk, _pool(as_if_live).exclude(pk=article.pk)
        self.tags_of, self.members, self.order = {own: set(tag_ids)}, defaultdict(list), {}
        shared = ArticleTag.objects.filter(tag_id__in=tag_ids, content_object__in=pool.values("pk"))
        for pk, tag_id, published_at in shared.values_list("content_object_id", "tag_id", "content_object__published_at"):
            self.members[tag_id].append(pk)
            self.order[pk] = _order(published_at, pk)
        self.section_of, self.by_section = {own: None}, {None: []}
        if own and article.path:  # a page being created has no section to fill from yet
            self.section_of[own] = section = article.path[: -Page.steplen]
            # The newest `limit` besides those chosen by tags: twice as many covers both.
            newest = pool.filter(path__startswith=section, depth=article.depth)[: 2 * limit]
            self.by_section[section] = []
            for pk, published_at in newest.values_list("pk", "published_at"):
                self.by_section[section].append(pk)
                self.order.setdefault(pk, _order(published_at, pk))


def _order(published_at, pk):
    """The listings' order (published_at, id), newest greatest; never published counts as oldest."""
    return (published_at is not None, published_at or 0, pk)


def _pool(as_if_live):
    published = published_articles()
    if as_if_live is None or as_if_live.pk is None:
        return published
    return ArticlePage.objects.filter(Q(pk__in=published.values("pk")) | Q(pk=as_if_live.pk)).order_by(
        "-published_at", "-id"
    )
