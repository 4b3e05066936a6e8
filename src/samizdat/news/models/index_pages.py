"""The index pages: the front page and the sections, which list the stories below them. They
read the stories through listing.py, front_page.py and archive.py, which import article.py."""

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from ..archive import listing_page
from ..front_page import front_page_context, latest_context
from samizdat.core.editions import active_locale

from ..listing import public_path, published_articles


def story_key(section_path, slug):
    """The key in Django's cache alias "batch" of the story `slug` under the section at
    `section_path`, fetched with others for a batch of story pages (news/prefetch.py)."""
    return ("story-page", section_path, slug)


def own_route(page, path_components):
    """The routable page's own view for these path components (a listing's /page/2/), if any."""
    try:
        return page.resolve_subpage("/" + "/".join(path_components) + "/")
    except Http404:
        return None


class HomePage(RoutablePageMixin, Page):
    """The front page: the lead story, then the latest from each section. One per edition: the
    other editions' are translations of the first ("Translate" in the admin), its siblings."""

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

    def clean(self):
        super().clean()
        others = HomePage.objects.filter(locale_id=self.locale_id).exclude(pk=self.pk)
        if self.locale_id and others.exists():
            raise ValidationError(_("This edition has a front page already: each language has one."))

    def route(self, request, path_components):
        """Wagtail's routing, with the front page's children (the sections) looked up once per
        publishing batch: every story's address passes through one of them. An edition without a
        live front page of its own answers 404: Wagtail would hand it the first edition's."""
        edition = active_locale()
        if edition is not None and edition.pk != self.locale_id:
            raise Http404
        if not path_components or own_route(self, path_components):
            return super().route(request, path_components)
        slug = path_components[0]
        child = caches["batch"].get_or_set(
            ("home-child", self.pk, slug), lambda: self.get_children().filter(slug=slug).specific().first()
        )
        if child is None:
            raise Http404
        return child.route(request, path_components[1:])

    @path("")
    def front_page(self, request):
        sections = SectionPage.objects.child_of(self).live().public()
        return self.render(request, context_overrides=front_page_context(self, sections))

    @path("page/<int:number>/")
    def latest_page(self, request, number):
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
        return published_articles().child_of(self)

    def listed_on(self):
        """Sections are in every page's menu: a change to one is a change to every page."""
        return ["*"]

    def route(self, request, path_components):
        """Wagtail's routing, except for a story fetched with the others of a batch of story pages
        (news/prefetch.py): publishing a whole site routes ten thousand of them, two queries each."""
        if len(path_components) == 1:
            article = caches["batch"].get(story_key(self.path, path_components[0]))
            if article is not None and not own_route(self, path_components):
                return article.route(request, [])
        return super().route(request, path_components)

    @path("")
    @path("page/<int:number>/")
    def listing(self, request, number=None):
        articles = listing_page(self.articles(), public_path(self), number)
        return self.render(request, context_overrides={"articles": articles})


