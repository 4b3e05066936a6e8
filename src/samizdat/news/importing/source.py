"""One Markdown file read and checked in full, before anything is written to the database."""

import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

from . import fields
from .body import body_blocks
from .fields import Rejected, shown
from .images import LocalImage, find_image

KNOWN_FIELDS = {
    "title", "slug", "standfirst", "section", "authors", "date", "updated", "dateline", "tags",
    "image", "image_caption", "image_credit", "credit_line", "corrections", "draft",
}  # fmt: skip
CORRECTION_KINDS = {
    "correction": "correction",
    "editors_note": "editors_note",
    "editor's note": "editors_note",
}


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, leaving dates as text so they are read (and refused) by our own rules."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FrontMatter(frontmatter.YAMLHandler):
    """python-frontmatter's YAML handler with three changes: the front matter opens with exactly
    '---' and may close with '...' as YAML allows; a boundary line never takes the blank lines after
    it (the library's `\\s*` would, and error line numbers would drift); dates stay text."""

    FM_BOUNDARY = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)

    def detect(self, text):
        return text.startswith("---") and super().detect(text)

    def load(self, fm):
        return yaml.load(fm, Loader=_FrontMatterLoader)


FRONT_MATTER = _FrontMatter()


@dataclass
class ArticleSource:
    """Everything an article file says, checked and in the shapes the models want."""

    path: Path
    title: str
    slug: str
    section: str
    published_at: object
    standfirst: str = ""
    authors: list = field(default_factory=list)
    updated_at: object = None
    dateline: str = ""
    tags: list = field(default_factory=list)
    lead_image: LocalImage | None = None
    lead_image_caption: str = ""
    lead_image_credit: str = ""
    credit_line: str = ""
    corrections: list = field(default_factory=list)
    draft: bool = False
    body: list = field(default_factory=list)
    ignored_fields: list = field(default_factory=list)


def read_article(path, root):
    """The ArticleSource for the Markdown file at `path`, inside the import folder `root`.

    Raises Rejected for the first problem found; nothing has been saved at that point.
    """
    meta, body, body_line = _split(_decode(path))
    title = fields.text(meta, "title", required=True, max_length=255)
    article = ArticleSource(
        path=path,
        title=title,
        slug=fields.slug_from(meta, title),
        section=fields.text(meta, "section", required=True, max_length=255),
        published_at=fields.moment(meta, "date", required=True),
        standfirst=fields.text(meta, "standfirst"),
        authors=fields.text_list(meta, "authors", split_commas=False, max_length=120),
        updated_at=fields.moment(meta, "updated"),
        dateline=fields.text(meta, "dateline", max_length=100),
        tags=fields.text_list(meta, "tags", split_commas=True, max_length=100),
        lead_image_caption=fields.text(meta, "image_caption", max_length=300),
        lead_image_credit=fields.text(meta, "image_credit", max_length=200),
        credit_line=fields.text(meta, "credit_line", max_length=255),
        corrections=_corrections(meta.get("corrections")),
        draft=fields.boolean(meta, "draft"),
        ignored_fields=sorted(str(name) for name in meta if name not in KNOWN_FIELDS),
    )
    if not any(ch.isalnum() for ch in article.section):
        raise Rejected("section", f"{shown(article.section)} has no letters or digits to make a URL from")
    if meta.get("image") not in (None, ""):
        article.lead_image = find_image(meta["image"], field="image", markdown_file=path, root=root)

    def find_body_image(reference, where):
        return find_image(reference, field=where, markdown_file=path, root=root)

    article.body = body_blocks(body, first_line=body_line, find_image=find_body_image)
    return article


def _decode(path):
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise Rejected("file", f"can't be read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise Rejected(
            "file", f"is not UTF-8 text (byte 0x{raw[error.start]:02x} on line {line}); save it as UTF-8"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split(text):
    """(front matter as a dict, body text, line number where the body starts)."""
    try:
        if not FRONT_MATTER.detect(text):
            raise ValueError("no opening line")
        # source: from the end of the '---' line to the start of the closing one, so its first
        # line is the file's second.
        source, body = FRONT_MATTER.split(text)
    except ValueError:
        raise Rejected(
            "front matter", "the file must start with a line '---', then the fields, then another '---' line"
        ) from None
    try:
        meta = FRONT_MATTER.load(source)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" on line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = error.problem or error.context or "it can't be read"
        raise Rejected("front matter", f"is not valid YAML{where}: {problem}") from None
    except (yaml.YAMLError, ValueError) as error:
        raise Rejected("front matter", f"is not valid YAML: {error}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise Rejected("front matter", "must be fields, one per line, such as 'title: …'")
    body_line = 2 + source.count("\n")
    return meta, body.removeprefix("\n"), body_line


def _corrections(value):
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise Rejected("corrections", "must be a list of entries, each with a date and a text")
    corrections = []
    for number, entry in enumerate(value, start=1):
        where = f"corrections entry {number}"
        if not isinstance(entry, dict):
            raise Rejected(where, "must have a date and a text (date: 2026-11-21, text: …)")
        if entry.get("date") in (None, ""):
            raise Rejected(where, "has no date")
        try:
            text = fields.text(entry, "text")
        except Rejected as error:
            raise Rejected(f"{where} text", error.reason) from None
        if not text:
            raise Rejected(where, "has no text")
        kind = str(entry.get("kind") or "correction").strip().lower()
        if kind not in CORRECTION_KINDS:
            raise Rejected(where, f"kind {shown(kind)} must be correction or editors_note")
        corrections.append(
            {"kind": CORRECTION_KINDS[kind], "date": fields.day(entry["date"], f"{where} date"), "text": text}
        )
    return corrections
