from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelsearch.tasks import insert_or_update_object_task
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from samizdat.core.render_cache import memoized

from ..blocks import ArticleBodyBlock


def story_key(section_path, slug):
    """The publisher's memo key for the story `slug` under the section at `section_path`."""
    return ("story-page", section_path, slug)


def own_route(page, path_components):
    """The routable page's own view for these path components (a listing's /page/2/), if any."""
    try:
        return page.resolve_subpage("/" + "/".join(path_components) + "/")
    except Http404:
        return None


class HomePage(RoutablePageMixin, Page):
    """The front page: the lead story, then the latest from each section."""

    lead_article = models.ForeignKey(
        "news.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Leave empty to lead with the newest article.",
    )
    description = models.TextField(blank=True, help_text="Used for search engines and link previews.")

    content_panels = Page.content_panels + [FieldPanel("lead_article"), FieldPanel("description")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.SectionPage", "core.StandardPage"]
    max_count = 1

    def public_urls(self):
        from ..public_urls import home_urls

        return home_urls(self)

    def route(self, request, path_components):
        """Wagtail's routing, with the front page's children (the sections) looked up once per
        publishing batch: every story's address passes through one of them."""
        if not path_components or own_route(self, path_components):
            return super().route(request, path_components)
        child = memoized(("home-child", self.pk, path_components[0]), lambda: self._child(path_components[0]))
        if child is None:
            raise Http404
        return child.route(request, path_components[1:])

    def _child(self, slug):
        child = self.get_children().filter(slug=slug).first()
        if child is None:
            return None
        child._cached_parent_obj = self
        specific = child.specific
        specific._cached_parent_obj = self
        return specific

    @path("")
    def front_page(self, request):
        from ..front_page import front_page_context

        return self.render(request, context_overrides=front_page_context(self))

    @path("page/<int:number>/")
    def latest_page(self, request, number):
        from ..front_page import latest_context

        return self.render(
            request, template="news/latest_page.html", context_overrides=latest_context(self, number)
        )


class SectionPage(RoutablePageMixin, Page):
    """A section such as News or Opinion; its articles are its children."""

    description = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("description")]
    parent_page_types = ["news.HomePage"]
    subpage_types = ["news.ArticlePage"]

    def articles(self):
        from ..listing import published_articles

        return published_articles().child_of(self)

    def public_urls(self):
        from ..public_urls import section_urls

        return section_urls(self)

    def listed_on(self):
        """Sections are in every page's menu: a change to one is a change to every page."""
        return ["*"]

    def route(self, request, path_components):
        """Wagtail's routing, with a story found in one query instead of two (a page row, then
        its article row): publishing a whole site routes ten thousand of them."""
        if len(path_components) == 1 and not own_route(self, path_components):
            slug = path_components[0]
            # A batch of story pages may have fetched them all at once (news/prefetch.py).
            article = memoized(story_key(self.path, slug), lambda: ArticlePage.objects.child_of(self).filter(slug=slug).first())
            if article is not None:
                article._cached_parent_obj = self
                return article.route(request, [])
        return super().route(request, path_components)

    @path("")
    @path("page/<int:number>/")
    def listing(self, request, number=None):
        from ..archive import listing_page
        from ..listing import public_path

        articles = listing_page(self.articles(), public_path(self), number)
        return self.render(request, context_overrides={"articles": articles})


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

    def public_urls(self):
        from ..listing import public_path

        path = public_path(self)
        return [path] if path else []

    def listed_on(self):
        from ..public_urls import article_listed_on

        return article_listed_on(self)

    def get_context(self, request, *args, **kwargs):
        from ..related import read_more

        context = super().get_context(request, *args, **kwargs)
        context["read_more"] = read_more(self)
        return context


class ArticleAuthor(Orderable):
    page = ParentalKey(ArticlePage, related_name="article_authors", on_delete=models.CASCADE)
    author = models.ForeignKey("news.Author", on_delete=models.CASCADE, related_name="article_links")

    panels = [FieldPanel("author")]


class Correction(Orderable):
    CORRECTION = "correction"
    EDITORS_NOTE = "editors_note"
    KINDS = [(CORRECTION, "Correction"), (EDITORS_NOTE, "Editor's note")]

    page = ParentalKey(ArticlePage, related_name="corrections", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=KINDS, default=CORRECTION)
    date = models.DateField(default=timezone.localdate)
    text = models.TextField()

    panels = [FieldRowPanel([FieldPanel("kind"), FieldPanel("date")]), FieldPanel("text")]

