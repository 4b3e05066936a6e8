"""`samizdat import wordpress EXPORT.xml`: a WordPress site's posts, pages, people and terms.

The file is read twice, both times as a stream: first to learn the attachments (a featured image
is often listed after the post that shows it) and to find hostile or broken XML before anything is
written; then to import each post in a transaction of its own, so one refused post leaves nothing
behind and never stops the others.
"""

import logging
from dataclasses import dataclass
from html import escape
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from samizdat.news.importing import CannotImport, Rejected, home_page
from samizdat.news.importing.fields import shown
from samizdat.news.importing.images import find_image, wagtail_image
from samizdat.news.models import SectionPage

from ..models import ImportedItem
from ..report import REFUSED, SKIPPED, WOULD_CREATE, WOULD_UPDATE, ItemResult, MigrationReport
from ..saving import PUBLIC, address_of, keep_author, keep_record, lead_with, record_for, save_plain_page, save_post
from ..sections import BadMapping, SectionMapping
from . import posts
from .content import post_blocks
from .reader import UnreadableExport, read_export

logger = logging.getLogger(__name__)
SYSTEM = "wordpress"
TAG_LENGTH = 100  # taggit's Tag.name


@dataclass
class Attachment:
    url: str
    caption: str = ""
    credit: str = ""


def import_wordpress(path, *, media=None, sections=None, dry_run=False, progress=None):
    """Import the export at `path`; a MigrationReport. Raises CannotImport when nothing can be.
    `progress(total)`, if given, returns what to call once per post or page done (core/progress.py)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise CannotImport(f"{path} does not exist")
    media = Path(media).expanduser() if media else None
    if media is not None and not media.is_dir():
        raise CannotImport(f"the media folder {media} does not exist")
    try:
        mapping = SectionMapping.parse(sections)
        site, attachments, total = survey(path)
    except (BadMapping, UnreadableExport) as error:
        raise CannotImport(str(error)) from None
    importer = WordPressImport(path, site, attachments, mapping, home_page(), media=media, dry_run=dry_run)
    importer.report.mapping = importer.mapping_lines()
    step = progress(total) if progress is not None else None
    _, entries = read_export(path)
    try:
        for entry in entries:
            if entry.post_type in ("post", "page"):
                importer.add(entry)
                if step is not None:
                    step()
            elif entry.post_type != "attachment":
                importer.report.add(
                    ItemResult(f"{entry.post_type} {entry.post_id}", SKIPPED, "not a post or a page")
                )
    except UnreadableExport as error:  # changed on disk since the first reading
        raise CannotImport(str(error)) from None
    importer.finish()
    return importer.report


def survey(path):
    """(Site, {attachment id: Attachment}, number of posts and pages): a first reading."""
    site, entries = read_export(path)
    attachments, total = {}, 0
    for entry in entries:
        if entry.post_type == "attachment":
            attachments[entry.post_id] = Attachment(
                entry.attachment_url or entry.guid,
                caption=posts.plain_text_of_html(entry.excerpt),
                credit=entry.meta.get("_media_credit", ""),
            )
        elif entry.post_type in ("post", "page"):
            total += 1
    return site, attachments, total


class WordPressImport:
    def __init__(self, path, site, attachments, mapping, home, *, media, dry_run):
        self.path, self.site, self.attachments, self.mapping = path, site, attachments, mapping
        self.home, self.media, self.dry_run = home, media, dry_run
        self.report = MigrationReport()
        self.bylines = {}  # login -> the name shown
        self.terms = {}  # (kind, slug) -> Term named by a post, declared in the channel or not
        self.sticky = []  # (published_at, page)
        self.checked_images = {}  # uploads path -> LocalImage, or why it was left out

    def mapping_lines(self):
        lines = []
        for person in self.site.people.values():
            lines.append(f"author {shown(posts.display_name(person) or '(no name)')} -> Author")
        for term in self.site.terms.values():
            if term.kind == "category":
                section = self.mapping.maps(term)
                target = f"section {shown(section)}" if section else "tag"
                lines.append(f"category {shown(term.name)} -> {target}")
            else:
                lines.append(f"tag {shown(term.name)} -> tag")
        lines.append(f"posts in no mapped category -> section {shown(self.mapping.default)}")
        return lines

    def add(self, entry):
        self.report.comments += entry.comments
        self.report.pingbacks += entry.pingbacks
        kind = ImportedItem.PAGE if entry.post_type == "page" else ImportedItem.POST
        label = f"{kind} {entry.post_id}"
        if entry.status in posts.SKIPPED_STATUSES:
            return self.report.add(ItemResult(label, SKIPPED, posts.SKIPPED_STATUSES[entry.status]))
        state = posts.state_of(entry)
        if state is None:
            return self.report.add(ItemResult(label, SKIPPED, f"WordPress status {shown(entry.status)}"))
        notes, created_files = [], []
        title = posts.title_of(entry, notes)
        label = f"{label} {shown(title)}"
        try:
            with transaction.atomic():
                status, page = self.save(entry, kind, title, state, notes, created_files)
        except Rejected as error:
            status, page, reason = REFUSED, None, str(error)
        except ValidationError as error:
            status, page, reason = REFUSED, None, "; ".join(error.messages)
        except Exception as error:
            # One post that can't be saved must not stop an archive of thousands; the traceback goes
            # to the log for us, the reason to the person importing.
            logger.exception("Importing WordPress %s failed", label)
            status, page, reason = REFUSED, None, f"could not be saved ({type(error).__name__}: {error})"
        else:
            reason = ""
        if status == REFUSED:
            for name in created_files:
                default_storage.delete(name)
        return self.report.add(ItemResult(label, status, reason, notes, page))

    def save(self, entry, kind, title, state, notes, created_files):
        draft, privacy, password = state
        converted = post_blocks(entry.content, find_image=self.image_finder(notes), gallery_urls=self.gallery_urls)
        notes.extend(converted.notes)
        if converted.unknown:
            notes.append(f"kept as text: {', '.join(converted.unknown)}")
        if not entry.content.strip():
            notes.append("no content")
        slug = posts.slug_of(entry)
        old = self.old_addresses(entry)
        if self.dry_run:
            return (WOULD_UPDATE if record_for(SYSTEM, kind, entry.post_id) else WOULD_CREATE), None
        if kind == ImportedItem.PAGE:
            body = page_html(converted.blocks, created_files)
            # A plain page has no schedule: one WordPress would publish later waits as a draft.
            live = not draft and (posts.published_at(entry) or timezone.now()) <= timezone.now()
            return save_plain_page(
                SYSTEM, entry.post_id, self.home, title=title, slug=slug, body=body, live=live,
                privacy=(privacy, password), old=old,
            )  # fmt: skip
        section, other_categories = self.mapping.section_for([t for t in entry.terms if t.kind == "category"])
        self.terms.update({(t.kind, t.slug): t for t in entry.terms if t.slug})
        tags = self.tag_names([t for t in entry.terms if t.kind == "post_tag"] + other_categories)
        authors = posts.byline(entry, self.site.people, notes)
        self.bylines.update({entry.creator: authors[0]} if authors else {})
        source = posts.article_source(
            entry, title=title, slug=slug, section=section, authors=authors, tags=tags, draft=draft,
            lead=self.lead_image(entry, notes), export_path=self.path,
        )  # fmt: skip
        source.body = converted.blocks
        status, page = save_post(
            SYSTEM, entry.post_id, source, self.home, created_files, privacy=(privacy, password),
            guid=entry.guid, old=old,
        )  # fmt: skip
        if entry.sticky and not draft and privacy == PUBLIC and source.published_at <= timezone.now():
            self.sticky.append((source.published_at, page))
        return status, page

    def tag_names(self, terms):
        names, seen = [], set()
        for term in terms:
            name = " ".join(term.name.split())[:TAG_LENGTH]
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
        return names

    def image_finder(self, notes):
        def find(url, where):
            relative = posts.uploads_path(url)
            if relative is None:
                notes.append(f"image {shown(url)} is not under /uploads/; left out")
                return None
            if self.media is None:
                notes.append(f"image {shown(relative)} left out: no --media folder given")
                return None
            if relative not in self.checked_images:
                self.checked_images[relative] = self.check_image(relative, where)
            found = self.checked_images[relative]
            if isinstance(found, str):
                notes.append(found)
                return None
            return found

        return find

    def check_image(self, relative, where):
        """The LocalImage for a file of the media folder, or the note saying why it is left out.
        Checked once per run: an archive's posts share their pictures."""
        if not (self.media / relative).is_file():
            return f"image {shown(relative)} is not in the media folder; left out"
        try:
            return find_image("/" + relative, field=where, markdown_file=self.media / "export", root=self.media)
        except Rejected as error:
            return f"{error.reason}; left out"

    def gallery_urls(self, ids):
        return [self.attachments[str(i)].url for i in ids if str(i) in self.attachments]

    def lead_image(self, entry, notes):
        """(LocalImage, caption, credit) of the featured image, or None."""
        attachment_id = entry.meta.get("_thumbnail_id")
        if not attachment_id:
            return None
        attachment = self.attachments.get(attachment_id)
        if attachment is None:
            notes.append(f"featured image (attachment {attachment_id}) is not in the export; left out")
            return None
        image = self.image_finder(notes)(attachment.url, "featured image")
        return (image, attachment.caption, attachment.credit) if image else None

    def old_addresses(self, entry):
        query = "page_id" if entry.post_type == "page" else "p"
        found = [address_of(entry.link), f"/?{query}={entry.post_id}"]
        return [address for n, address in enumerate(found) if address and address not in found[:n]]

    def finish(self):
        """After the posts: the front page's lead, and a record of each author, category and tag."""
        if self.dry_run:
            return
        with transaction.atomic():
            if self.sticky and lead_with(self.home, max(self.sticky, key=lambda pair: pair[0])[1]):
                self.report.mapping.append("the newest sticky post now leads the front page")
            for login, name in self.bylines.items():
                keep_author(SYSTEM, login, name, old=[f"/author/{login}/"] if "@" not in login else [])
            for term in {**self.terms, **self.site.terms}.values():
                self.keep_term(term)

    def keep_term(self, term):
        if term.kind == "post_tag":
            return keep_record(SYSTEM, ImportedItem.TAG, term.slug, tag=term.name, old=[f"/tag/{term.slug}/"])
        section_name = self.mapping.maps(term)
        section = SectionPage.objects.child_of(self.home).filter(title__iexact=section_name).first() if section_name else None
        return keep_record(
            SYSTEM, ImportedItem.CATEGORY, term.slug, page=section, tag="" if section_name else term.name,
            old=[f"/category/{self.category_path(term)}/"],
        )  # fmt: skip

    def category_path(self, term, depth=0):
        parent = self.site.terms.get(("category", term.parent)) if term.parent else None
        if parent is None or depth > 20:
            return term.slug
        return f"{self.category_path(parent, depth + 1)}/{term.slug}"


def page_html(blocks, created_files):
    """A plain page's rich text from body blocks: what a StandardPage's editor can hold."""
    html = []
    for block_type, value in blocks:
        if block_type == "paragraph":
            html.append(value)
        elif block_type == "heading":
            html.append(f"<h2>{escape(value)}</h2>")
        elif block_type in ("quote", "pull_quote"):
            html.append(f"<p>{escape(value['text'])}</p>")
        elif block_type == "embed":
            html.append(f'<p><a href="{escape(value["url"])}">{escape(value["url"])}</a></p>')
        elif block_type == "image":
            image = wagtail_image(value["image"], value["alt"] or value["caption"], created_files)
            html.append(f'<embed alt="{escape(value["alt"])}" embedtype="image" format="fullwidth" id="{image.pk}"/>')
    return "".join(html)
