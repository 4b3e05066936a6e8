"""A story and what belongs to it: bylines, tags, corrections. The index pages that list stories
are in index_pages.py; where stories are shown (listings, feeds, Read more) is worked out by the
modules that read them (listing.py, public_urls.py, related.py), which import this one."""

from django.core.cache import caches
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_noop
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelsearch.tasks import insert_or_update_object_task
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..blocks import ArticleBodyBlock


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey("news.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE)


class ArticlePage(Page):
    standfirst = models.TextField(blank=True, help_text="One or two sentences under the headline.")
    dateline = models.CharField(max_length=100, blank=True, help_text="Where the story was reported from.")
    published_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Shown as the publication time; set on first publish."
    )
    updated_at = models.DateTimeField(
        null=True, blank=True, help_text='Set when the story changed materially; shown as "Updated".'
    )
    lead_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_image_caption = models.CharField(max_length=300, blank=True)
    lead_image_credit = models.CharField(max_length=200, blank=True)
    body = StreamField(ArticleBodyBlock(), blank=True)
    agency = models.ForeignKey(
        "news.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    credit_line = models.CharField(
        max_length=255, blank=True, help_text="Overrides the agency's credit line when set."
    )
    tags = ClusterTaggableManager(through=ArticleTag, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("standfirst"),
        InlinePanel("article_authors", label="Bylines"),
        FieldRowPanel([FieldPanel("dateline"), FieldPanel("published_at"), FieldPanel("updated_at")]),
        MultiFieldPanel(
            [FieldPanel("lead_image"), FieldPanel("lead_image_caption"), FieldPanel("lead_image_credit")],
            heading="Lead image",
        ),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("agency"), FieldPanel("credit_line")]),
        InlinePanel("corrections", label="Corrections and editor's notes"),
        FieldPanel("tags"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("published_at"),
    ]
    parent_page_types = ["news.SectionPage"]
    subpage_types = []

    def save(self, *args, **kwargs):
        if self.live and self.published_at is None:
            self.published_at = self.first_published_at or timezone.now()
        super().save(*args, **kwargs)
        # Wagtail indexes on post_save, which fires before modelcluster writes the tags; a worker
        # that runs that task right away (or a slow queue's later run) would miss new tags.
        insert_or_update_object_task.enqueue(self._meta.app_label, self._meta.model_name, str(self.pk))

    @property
    def section(self):
        """The section the story is in; in a publishing batch, found once for all its stories (the
        cache alias "batch"), by its place in the page tree."""
        return caches["batch"].get_or_set(("section-at", self.path[: -self.steplen]), self._find_section)

    def _find_section(self):
        parent = self.get_parent()
        return parent.specific if parent else None

    @cached_property
    def authors(self):
        """Bylines in order; kept for the life of this object (a page is shown three times per render)."""
        return [link.author for link in self.article_authors.all() if link.author_id]

    @cached_property
    def tag_list(self):
        return list(self.tags.all())

    @property
    def agency_credit(self):
        if self.credit_line:
            return self.credit_line
        return self.agency.credit_line if self.agency else ""

    @property
    def display_updated_at(self):
        """The "Updated" time, shown only when it is later than publication."""
        if self.updated_at and self.published_at and self.updated_at > self.published_at:
            return self.updated_at
        return None

    @property
    def modified_at(self):
        return self.display_updated_at or self.last_published_at or self.published_at


class ArticleAuthor(Orderable):
    page = ParentalKey(ArticlePage, related_name="article_authors", on_delete=models.CASCADE)
    author = models.ForeignKey("news.Author", on_delete=models.CASCADE, related_name="article_links")

    panels = [FieldPanel("author")]


class Correction(Orderable):
    CORRECTION = "correction"
    EDITORS_NOTE = "editors_note"
    # Marked, not translated here: kept feed texts are rendered from plain data (publishing/kept_pieces.py), so templates translate them.
    KINDS = [(CORRECTION, gettext_noop("Correction")), (EDITORS_NOTE, gettext_noop("Editor's note"))]

    page = ParentalKey(ArticlePage, related_name="corrections", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=KINDS, default=CORRECTION)
    date = models.DateField(default=timezone.localdate)
    text = models.TextField()

    panels = [FieldRowPanel([FieldPanel("kind"), FieldPanel("date")]), FieldPanel("text")]

