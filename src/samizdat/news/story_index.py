"""Every live story's place on the site, read at once: what a publishing batch asks of thousands of
stories (each one's Read more, whose Read more shows a story, the newest of each section, which
story lives at an address) answered in memory instead of by a query each."""

from collections import defaultdict
from contextlib import contextmanager
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from django.core.cache import caches
from django.db.models import Q
from wagtail.models import Page

from .listing import edition_prefix, published_articles
from .models.article import ArticleTag


class StoryRow(NamedTuple):
    pk: int
    url_path: str


def story_index():
    """The batch's index, read on first use (outside a batch, a fresh one)."""
    return caches["batch"].get_or_set("story-index", StoryIndex)


def story_index_read():
    """Whether this batch has read its story index already: then it answers for every story."""
    return "story-index" in caches["batch"]


class StoryIndex:
    """Live stories in published_articles()' order, with their section and tags.

    A story's `order` is a number that grows with (published_at, id), as the listings order them:
    the dates themselves are never read, so ten thousand of them are never converted."""

    def __init__(self):
        rows = list(published_articles().values_list("pk", "path", "url_path"))
        self.order, self.section_of, self.url_path_of, self.at_url_path = {}, {}, {}, {}
        self.by_section = defaultdict(list)
        for position, (pk, path, url_path) in enumerate(rows):
            self.order[pk] = len(rows) - position
            self.section_of[pk] = section = path[: -Page.steplen]
            self.by_section[section].append(pk)  # newest first too
            self.url_path_of[pk], self.at_url_path[url_path] = url_path, pk
        self.members, self.tags_of = defaultdict(list), defaultdict(set)
        for pk, tag_id in ArticleTag.objects.values_list("content_object_id", "tag_id"):
            if pk in self.order:
                self.members[tag_id].append(pk)
                self.tags_of[pk].add(tag_id)

    def __contains__(self, pk):
        return pk in self.order

    def story_at(self, site, url):
        """The id of the live story at the public address `url` of the active edition on `site`,
        percent-encoded or not."""
        root = caches["batch"].get_or_set(("edition-root-path", site.pk), lambda: site.root_page.localized.url_path)
        path = unquote(urlsplit(url).path)[len(edition_prefix()) :]
        return self.at_url_path.get(root + path)

    def rows(self, pks):
        """(pk, url_path) of these live stories, newest first: enough for their public_path()."""
        return [StoryRow(pk, self.url_path_of[pk]) for pk in sorted(pks, key=self.order.__getitem__, reverse=True)]

    @contextmanager
    def counted_as_live(self, article, tag_ids):
        """The index as it would be with `article` (not live now) published, its tags `tag_ids`."""
        pk = article.pk
        if pk in self.order:
            yield
            return
        section = article.path[: -Page.steplen]
        self.order[pk] = self._order_of_unlisted(article)
        self.section_of[pk], self.tags_of[pk] = section, set(tag_ids)
        for tag_id in tag_ids:
            self.members[tag_id].append(pk)
        in_section = self.by_section[section]
        newer = (n for n, other in enumerate(in_section) if self.order[other] < self.order[pk])
        position = next(newer, len(in_section))
        in_section.insert(position, pk)
        try:
            yield
        finally:
            in_section.remove(pk)
            for tag_id in tag_ids:
                self.members[tag_id].remove(pk)
            del self.order[pk], self.section_of[pk], self.tags_of[pk]

    def _order_of_unlisted(self, article):
        """An order between the live stories' for a story not among them: after those newer than it
        (a story never published is older than all)."""
        if article.published_at is None:
            return 0.5
        newer = published_articles().filter(
            Q(published_at__gt=article.published_at) | Q(published_at=article.published_at, id__gt=article.pk)
        )
        return len(self.order) - newer.count() + 0.5
