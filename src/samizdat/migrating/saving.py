"""Writing what an export holds into samizdat's pages, keyed by the old system's ids.

Shared by every system we import from: each gives an ArticleSource (news/importing/source.py) or
the values of a plain page, with its privacy, and gets back created, updated or unchanged.
"""

from urllib.parse import urlsplit

from wagtail.models import PageViewRestriction

from samizdat.core.models import StandardPage
from samizdat.news.importing import Rejected
from samizdat.news.importing.writer import CREATED, UNCHANGED, UPDATED, author_named, save_article
from samizdat.news.models import ArticlePage

from .models import ImportedItem

PUBLIC, LOGIN, PASSWORD = "public", "login", "password"


def record_for(system, kind, original_id):
    return ImportedItem.objects.filter(system=system, kind=kind, original_id=original_id).first()


def save_post(system, original_id, source, home, created_files, *, privacy=(PUBLIC, ""), guid="", old=()):
    """Create or update the article for one post; returns (status, page). Call inside a transaction."""
    record = record_for(system, ImportedItem.POST, original_id)
    existing = record.page.specific if record and record.page else None
    if existing is not None and not isinstance(existing, ArticlePage):
        existing = None
    if existing is None and ArticlePage.objects.descendant_of(home).filter(slug=source.slug).exists():
        raise Rejected("slug", f'an article at "{source.slug}" exists already and was not imported from this post')
    status, page = save_article(source, home, created_files, existing=existing)
    if set_privacy(page, *privacy) and status == UNCHANGED:
        status = UPDATED
    keep_record(system, ImportedItem.POST, original_id, page=page, guid=guid, old=old)
    return status, page


def save_plain_page(system, original_id, home, *, title, slug, body, live, privacy=(PUBLIC, ""), old=()):
    """Create or update a plain page (About us, Contact) under the home page; returns (status, page)."""
    record = record_for(system, ImportedItem.PAGE, original_id)
    existing = record.page.specific if record and record.page else None
    if existing is not None and not isinstance(existing, StandardPage):
        existing = None
    if existing is None:
        page = StandardPage(title=title, draft_title=title, slug=slug, body=body, live=False)
        home.add_child(instance=page)
        status = CREATED
    else:
        page = existing.get_latest_revision_as_object()
        if (page.title, page.slug, page.body, existing.live) == (title, slug, body, live):
            page, status = existing, UNCHANGED
        else:
            page.title, page.draft_title, page.slug, page.body = title, title, slug, body
            status = UPDATED
    if set_privacy(page, *privacy) and status == UNCHANGED:
        status = UPDATED
    if status != UNCHANGED:
        revision = page.save_revision(log_action=True)
        if live:
            revision.publish()
        elif page.live:
            page.unpublish()
    keep_record(system, ImportedItem.PAGE, original_id, page=page, old=old)
    return status, page


def set_privacy(page, kind, password=""):
    """Wagtail's page privacy as the old site had it; True if it changed. A private post is seen by
    signed-in staff only, a password-protected one by whoever has its password."""
    restrictions = PageViewRestriction.objects.filter(page=page)
    current = [(r.restriction_type, r.password) for r in restrictions]
    wanted = {
        PUBLIC: [],
        LOGIN: [(PageViewRestriction.LOGIN, "")],
        PASSWORD: [(PageViewRestriction.PASSWORD, password)],
    }[kind]
    if current == wanted:
        return False
    restrictions.delete()
    for restriction_type, secret in wanted:
        PageViewRestriction.objects.create(page=page, restriction_type=restriction_type, password=secret)
    return True


def keep_record(system, kind, original_id, *, page=None, author=None, tag="", guid="", old=()):
    ImportedItem.objects.update_or_create(
        system=system,
        kind=kind,
        original_id=original_id,
        defaults={"page": page, "author": author, "tag": tag, "guid": guid[:500], "old_addresses": list(old)},
    )


def keep_author(system, login, name, old=()):
    """The Author snippet with this display name, made if missing, and its record."""
    author = author_named(name)
    keep_record(system, ImportedItem.AUTHOR, login, author=author, old=old)
    return author


def lead_with(home, page):
    """Make `page` the front page's lead story (WordPress's sticky post); True if it changed."""
    home = type(home).objects.get(pk=home.pk)  # the live front page: an editor's draft stays a draft
    if home.lead_article_id == page.pk:
        return False
    home.lead_article = page
    home.save_revision(log_action=True).publish()
    return True


def address_of(url):
    """The path and query of an old site's address: what a reader's request for it will carry."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path or parts.query else ""

