"""Reading a WXR file as a stream: one <item> at a time, cleared once read, so a 2 GB export
needs the memory of its largest post, not of the whole file.

defusedxml refuses what a hostile file could do to the parser: a DOCTYPE (where entity bombs and
external entities are declared), entity declarations and external references. A WordPress export
has none of them.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import unquote
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

# WXR's own namespace has an http:// and an https:// form in real exports, 1.0 to 1.2.
WXR = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
EXCERPT = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}


class UnreadableExport(Exception):
    """The file can't be read as a WordPress export; the message says why, in one line."""


@dataclass
class Term:
    """A category or a tag, as the export's channel declares it or an item names it."""

    kind: str  # "category" or "post_tag"
    slug: str
    name: str
    parent: str = ""


@dataclass
class Person:
    login: str
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Entry:
    """One <item>: a post, a page, an attachment or anything else WordPress keeps as a post."""

    post_id: str
    post_type: str
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    status: str = ""
    name: str = ""
    date: str = ""
    date_gmt: str = ""
    password: str = ""
    sticky: bool = False
    parent: str = ""
    attachment_url: str = ""
    terms: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    comments: int = 0
    pingbacks: int = 0


@dataclass
class Site:
    """What the channel says before its items: the site's address, its authors and terms."""

    link: str = ""
    base_url: str = ""
    people: dict = field(default_factory=dict)
    terms: dict = field(default_factory=dict)


def local_name(tag):
    """"wp:post_id" for "{http://wordpress.org/export/1.2/}post_id", whichever form the namespace has."""
    if not tag.startswith("{"):
        return tag
    namespace, _, name = tag[1:].partition("}")
    if WXR.match(namespace):
        return f"wp:{name}"
    if EXCERPT.match(namespace):
        return f"excerpt:{name}"
    prefix = PREFIXES.get(namespace)
    return f"{prefix}:{name}" if prefix else name


def read_export(path):
    """(Site, iterator of Entry). The iterator reads the file as it goes; the Site fills in as the
    channel's head is read, which a WordPress export writes before its first item."""
    site = Site()
    return site, _entries(path, site)


def _entries(path, site):
    found_channel = False
    try:
        stream = iterparse(str(path), events=("start", "end"), forbid_dtd=True)
        stack = []
        for event, element in stream:
            if event == "start":
                stack.append(element)
                continue
            stack.pop()
            name = local_name(element.tag)
            parent = local_name(stack[-1].tag) if stack else ""
            if name == "channel":
                found_channel = True
            if parent != "channel":
                continue
            if name == "item":
                yield _entry(element)
            elif name == "wp:author":
                person = _person(element)
                site.people[person.login] = person
            elif name in ("wp:category", "wp:tag"):
                term = _declared_term(element, name)
                site.terms[(term.kind, term.slug)] = term
            elif name == "link":
                site.link = (element.text or "").strip()
            elif name == "wp:base_site_url":
                site.base_url = (element.text or "").strip()
            # Read and done with: the channel lets go of it, so memory stays flat.
            stack[-1].remove(element)
    except DefusedXmlException as error:
        raise UnreadableExport(_refusal(error)) from None
    except ParseError as error:
        raise UnreadableExport(f"{path} is not well-formed XML ({error})") from None
    except OSError as error:
        raise UnreadableExport(f"{path} can't be read ({error.strerror})") from None
    if not found_channel:
        raise UnreadableExport(f"{path} is not a WordPress export (no RSS <channel> in it)")


def _refusal(error):
    kind = type(error).__name__
    if kind == "DTDForbidden":
        return (
            "refused: the file has a <!DOCTYPE> declaration, where entity expansion and external "
            "entities hide; a WordPress export has none"
        )
    if kind == "EntitiesForbidden":
        return "refused: the file declares XML entities (entity expansion); a WordPress export has none"
    return "refused: the file refers to external entities or documents; a WordPress export has none"


def _text(element, name):
    for child in element:
        if local_name(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _person(element):
    return Person(
        login=_text(element, "wp:author_login"),
        display_name=_text(element, "wp:author_display_name"),
        first_name=_text(element, "wp:author_first_name"),
        last_name=_text(element, "wp:author_last_name"),
    )


def _declared_term(element, name):
    if name == "wp:tag":
        return Term("post_tag", _slug(_text(element, "wp:tag_slug")), _text(element, "wp:tag_name"))
    return Term(
        "category",
        _slug(_text(element, "wp:category_nicename")),
        _text(element, "wp:cat_name"),
        parent=_slug(_text(element, "wp:category_parent")),
    )


def _slug(value):
    """WordPress keeps non-Latin slugs percent-encoded (%d0%bd%d0%be…); we keep them as letters."""
    return unquote(value).strip()


def _entry(element):
    entry = Entry(post_id=_text(element, "wp:post_id"), post_type=_text(element, "wp:post_type") or "post")
    for child in element:
        name = local_name(child.tag)
        value = child.text or ""
        if name == "category":
            kind = child.get("domain", "")
            if kind in ("category", "post_tag"):
                entry.terms.append(Term(kind, _slug(child.get("nicename", "")), value.strip()))
        elif name == "wp:postmeta":
            key = _text(child, "wp:meta_key")
            if key:
                entry.meta[key] = _text(child, "wp:meta_value")
        elif name == "wp:comment":
            if _text(child, "wp:comment_type") in ("pingback", "trackback"):
                entry.pingbacks += 1
            else:
                entry.comments += 1
        elif name in SIMPLE_FIELDS:
            setattr(entry, SIMPLE_FIELDS[name], value.strip() if name != "content:encoded" else value)
    entry.sticky = entry.sticky in ("1", True)
    entry.name = _slug(entry.name)
    return entry


SIMPLE_FIELDS = {
    "title": "title",
    "link": "link",
    "guid": "guid",
    "dc:creator": "creator",
    "content:encoded": "content",
    "excerpt:encoded": "excerpt",
    "wp:status": "status",
    "wp:post_name": "name",
    "wp:post_date": "date",
    "wp:post_date_gmt": "date_gmt",
    "wp:post_password": "password",
    "wp:is_sticky": "sticky",
    "wp:post_parent": "parent",
    "wp:attachment_url": "attachment_url",
}
