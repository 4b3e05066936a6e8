"""Saving a checked ArticleSource: its section, authors, images, and the page with a revision.

The page goes through Wagtail revisions like an editor's work, so the admin history shows each
import, scheduling works the Wagtail way, and a draft stays invisible to readers.
"""

from django.utils import timezone
from django.utils.text import slugify

from ..models import ArticleAuthor, ArticlePage, Author, Correction, SectionPage
from .fields import Rejected
from .images import wagtail_image

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
LIVE, SCHEDULED, DRAFT = "live", "scheduled", "draft"


def save_article(source, home, created_files, *, existing=None):
    """Create or update the article `source` describes; returns (status, page).

    The article to update is found by slug, or given as `existing` by an import that keys articles
    by the other system's id (src/samizdat/migrating/). Call inside a transaction: an error
    half-way must leave nothing behind.
    """
    if existing is None:
        existing = _existing_article(home, source.slug)
    section = section_named(home, source.section)
    values = _page_values(source, created_files)
    wanted = _wanted_state(source)

    if existing is None:
        page = ArticlePage(live=False, has_unpublished_changes=True)
        _apply(page, values)
        section.add_child(instance=page)
        _save_and_publish(page, wanted)
        return CREATED, page

    latest = existing.get_latest_revision_as_object()
    before = _snapshot(latest, existing.get_parent().pk, _current_state(existing))
    _apply(latest, values)
    if _snapshot(latest, section.pk, wanted) == before:
        return UNCHANGED, existing

    if wanted != LIVE and existing.live:
        existing.unpublish()
    if wanted == DRAFT:
        existing.revisions.update(approved_go_live_at=None)  # a draft must not go live on schedule
    if existing.get_parent().pk != section.pk:
        existing.move(section, pos="last-child")  # Wagtail keeps a redirect from the old URL
    page = ArticlePage.objects.get(pk=existing.pk).get_latest_revision_as_object()
    _apply(page, values)
    _save_and_publish(page, wanted)
    return UPDATED, page


def section_named(home, name):
    """The section called `name` (any case) under the home page, made and published if missing."""
    sections = SectionPage.objects.child_of(home)
    slug = section_slug(name)
    section = sections.filter(title__iexact=name).first() or sections.filter(slug=slug).first()
    if section:
        return section
    taken = home.get_children().filter(slug=slug).first()
    if taken:
        raise Rejected(
            "section", f'"{name}" can\'t become a section: the page "{taken.title}" already uses /{slug}/'
        )
    section = SectionPage(title=name, slug=slug, show_in_menus=True)
    home.add_child(instance=section)
    section.save_revision().publish()
    return section


def section_slug(name):
    return slugify(name.replace("&", " and "), allow_unicode=True)


def author_named(name):
    return Author.objects.filter(name__iexact=name).order_by("pk").first() or Author.objects.create(name=name)


def _existing_article(home, slug):
    matches = list(ArticlePage.objects.descendant_of(home).filter(slug=slug))
    if len(matches) > 1:
        urls = ", ".join(page.url_path for page in matches)
        raise Rejected("slug", f'"{slug}" is used by {len(matches)} articles ({urls}); rename all but one')
    return matches[0] if matches else None


def _wanted_state(source):
    if source.draft:
        return DRAFT
    return SCHEDULED if source.published_at > timezone.now() else LIVE


def _current_state(page):
    if page.live and not page.has_unpublished_changes:
        return LIVE
    if not page.live and page.scheduled_revision:
        return SCHEDULED
    if not page.live:
        return DRAFT
    return "live with unsaved changes"


def _page_values(source, created_files):
    lead_image = None
    if source.lead_image:
        lead_image = wagtail_image(source.lead_image, source.lead_image_caption, created_files)
    body = []
    for block_type, value in source.body:
        if block_type == "image":
            value = {
                **value,
                "image": wagtail_image(value["image"], value["alt"] or value["caption"], created_files),
            }
        body.append((block_type, value))
    return {
        "title": source.title,
        "draft_title": source.title,
        "slug": source.slug,
        "standfirst": source.standfirst,
        "dateline": source.dateline,
        "published_at": source.published_at,
        "updated_at": source.updated_at,
        "go_live_at": source.published_at if _wanted_state(source) == SCHEDULED else None,
        "lead_image": lead_image,
        "lead_image_caption": source.lead_image_caption,
        "lead_image_credit": source.lead_image_credit,
        "credit_line": source.credit_line,
        "body": body,
        "authors": [author_named(name) for name in source.authors],
        "tags": source.tags,
        "corrections": source.corrections,
    }


def _apply(page, values):
    """Put the file's values on a page object in memory; nothing is saved here."""
    simple = {k: v for k, v in values.items() if k not in ("authors", "tags", "corrections")}
    for name, value in simple.items():
        setattr(page, name, value)
    page.article_authors = [
        ArticleAuthor(author=author, sort_order=n) for n, author in enumerate(values["authors"])
    ]
    page.corrections = [
        Correction(sort_order=n, **correction) for n, correction in enumerate(values["corrections"])
    ]
    page.tags.set(values["tags"])


def _snapshot(page, parent_pk, state):
    """What an import decides about a page, in a form two imports can be compared by."""
    body = [{"type": block["type"], "value": block["value"]} for block in page.body.get_prep_value()]
    return {
        "parent": parent_pk,
        "state": state,
        "fields": [
            getattr(page, name)
            for name in (
                "title",
                "slug",
                "standfirst",
                "dateline",
                "published_at",
                "updated_at",
                "go_live_at",
                "lead_image_id",
                "lead_image_caption",
                "lead_image_credit",
                "credit_line",
            )
        ],  # fmt: skip
        "body": body,
        "authors": [link.author_id for link in page.article_authors.all()],
        "tags": sorted(tag.name.casefold() for tag in page.tags.all()),
        "corrections": [(c.kind, c.date, c.text) for c in page.corrections.all()],
    }


def _save_and_publish(page, wanted):
    revision = page.save_revision(log_action=True)
    if wanted in (LIVE, SCHEDULED):
        # With go_live_at in the future Wagtail keeps the page unpublished and marks the revision
        # as scheduled; `samizdat publish_scheduled` (run by the worker) makes it live on time.
        revision.publish()
