"""One WordPress post or page in samizdat's terms: its title, address, dates, state and people."""

from datetime import UTC, datetime
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.utils import timezone
from django.utils.text import slugify

from samizdat.news.importing.body import plain_text_of_html
from samizdat.news.importing.source import ArticleSource

from ..saving import LOGIN, PASSWORD, PUBLIC

NO_DATE = "0000-00-00 00:00:00"
# What becomes of each WordPress status: (a draft here?, who may see it).
STATES = {
    "publish": (False, PUBLIC),
    "future": (False, PUBLIC),
    "private": (False, LOGIN),
    "draft": (True, PUBLIC),
    "pending": (True, PUBLIC),
}
# Statuses that are no post a newsroom wrote: WordPress's own autosaves, and the bin.
SKIPPED_STATUSES = {"auto-draft": "an empty draft WordPress made by itself", "trash": "in WordPress's bin", "inherit": "a revision"}


def title_of(entry, notes):
    """Plain text: a title with HTML in it (<em>, &amp;) reads as its words."""
    title = plain_text_of_html(entry.title)[:255]
    if not title:
        notes.append("no title in the export; given one")
        title = f"Untitled (WordPress {entry.post_type} {entry.post_id})"
    return title


def slug_of(entry):
    """WordPress's own slug; else one from the title; else post-ID (never the made-up title)."""
    title = plain_text_of_html(entry.title)
    slug = slugify(entry.name, allow_unicode=True) or slugify(title, allow_unicode=True)
    return (slug[:255].strip("-") or f"{entry.post_type}-{entry.post_id}")


def published_at(entry):
    """The moment WordPress published it, in UTC as post_date_gmt says; a draft has only local time."""
    if entry.date_gmt and entry.date_gmt != NO_DATE:
        moment = _parsed(entry.date_gmt)
        if moment:
            return moment.replace(tzinfo=UTC)
    moment = _parsed(entry.date) if entry.date != NO_DATE else None
    if moment:
        return timezone.make_aware(moment, timezone.get_current_timezone())
    return None


def _parsed(value):
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def state_of(entry):
    """(draft?, privacy kind, password) for the entry's status, or None if it isn't carried over."""
    if entry.status not in STATES:
        return None
    draft, privacy = STATES[entry.status]
    if entry.password and not draft:
        return draft, PASSWORD, entry.password
    return draft, privacy, ""


def byline(entry, people, notes):
    """The display name of the post's author. A login is shown only when the export declares no
    name for it, and never when it is an email address."""
    login = entry.creator
    if not login:
        return []
    person = people.get(login)
    if person is None:
        notes.append("its author is not declared in the export")
        return [] if "@" in login else [login]
    name = display_name(person)
    return [name] if name else []


def display_name(person):
    name = person.display_name or " ".join(p for p in (person.first_name, person.last_name) if p)
    if not name or "@" in name:
        name = "" if "@" in person.login else person.login
    return name


def uploads_path(url):
    """"2024/05/harbour.jpg" for …/wp-content/uploads/2024/05/harbour.jpg, or None."""
    path = unquote(urlsplit(url).path)
    _, found, rest = path.partition("/uploads/")
    if not found or not rest:
        return None
    parts = PurePosixPath(rest).parts
    if ".." in parts:
        return None
    return rest


def article_source(entry, *, title, slug, section, authors, tags, draft, lead, export_path):
    moment = published_at(entry) or timezone.now().replace(microsecond=0)
    return ArticleSource(
        path=export_path,
        title=title,
        slug=slug,
        section=section,
        published_at=moment,
        standfirst=plain_text_of_html(entry.excerpt),
        authors=authors,
        tags=tags,
        lead_image=lead[0] if lead else None,
        lead_image_caption=lead[1][:300] if lead else "",
        lead_image_credit=lead[2][:200] if lead else "",
        draft=draft,
    )
