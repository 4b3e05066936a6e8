"""A WordPress post's content as the body blocks of an article.

WordPress stores content three ways, often mixed in one post: classic HTML without paragraph tags
(WordPress adds them when it shows the post), Gutenberg blocks marked by HTML comments
(<!-- wp:pullquote -->…<!-- /wp:pullquote -->), and shortcodes ([caption]…[/caption]). Blocks and
shortcodes with a counterpart here (images, galleries, pull quotes, embeds) become that block;
plain HTML goes through the same sanitising and cutting as a Markdown body
(news/importing/body.py). What has no counterpart stays as text, and its name is listed in the report.
"""

import json
import re
from html import unescape

import nh3

from django.core.exceptions import ValidationError

from samizdat.news.importing.body import html_body_blocks, is_web_address, plain_text_of_html

BLOCK_COMMENT = re.compile(r"<!--\s*(?P<close>/)?wp:(?P<name>[a-z0-9][a-z0-9/_-]*)(?P<attrs>\s+\{.*?\})?\s*(?P<void>/)?-->", re.S)
SHORTCODE = re.compile(r"\[(?P<name>[a-zA-Z][\w-]*)(?P<params>[^\]]*)\](?:(?P<inner>.*?)\[/(?P=name)\])?", re.S)
PARAM = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
IMAGE = re.compile(r"<img\b[^>]*>", re.I)
ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.S | re.I)
BLOCK_START = re.compile(r"^\s*<(?:p|h[1-6]|ul|ol|li|blockquote|div|table|figure|pre|hr|img|a\s[^>]*>\s*<img)\b", re.I)
CONTAINER_OPEN = re.compile(r"<(?:blockquote|ul|ol|table|div|figure|pre)\b", re.I)
CONTAINER_CLOSE = re.compile(r"</(?:blockquote|ul|ol|table|div|figure|pre)\s*>", re.I)
WEB_ADDRESS = re.compile(r"^\s*(https?://[^\s<>\"]+)\s*$")

# Gutenberg blocks whose HTML reads right as it is (the comments are dropped by the sanitiser).
PLAIN_BLOCKS = {
    "paragraph", "heading", "list", "list-item", "quote", "freeform", "html", "separator", "spacer",
    "group", "columns", "column", "preformatted", "code", "verse", "more", "nextpage",
}  # fmt: skip
# Shortcodes that only wrap text (or are harmless to drop) in a news article.
PLAIN_SHORTCODES = {"caption", "gallery", "embed", "wp_caption"}


class Converted:
    """The blocks of one post, with what could not be carried over, for its line of the report."""

    def __init__(self, find_image, gallery_urls):
        self.find_image = find_image  # (url, where) -> LocalImage or None
        self.gallery_urls = gallery_urls  # [attachment ids] -> [urls]
        self.blocks = []
        self.unknown = []
        self.notes = []
        self.pending_html = []

    def add_html(self, html):
        self.pending_html.append(html)

    def add(self, block):
        """A block of its own; the HTML before it is cut into blocks first, in one go, so a run of
        paragraphs becomes one paragraph block as it does from Markdown."""
        self.flush()
        self.blocks.append(block)

    def embed(self, url):
        """A link to the embedded page; an address that is not http(s) stays out (javascript:…)."""
        try:
            is_web_address(url)
        except ValidationError:
            self.notes.append(f"embed {url[:60]!r} is not a web address; left out")
            return
        self.add(("embed", {"url": url, "title": ""}))

    def flush(self):
        if self.pending_html:
            self.blocks.extend(html_body_blocks("\n".join(self.pending_html), find_image=self.find_image))
            self.pending_html.clear()

    def unknown_name(self, name):
        if name not in self.unknown:
            self.unknown.append(name)


def post_blocks(content, *, find_image, gallery_urls=lambda ids: []):
    """A Converted holding the post's body blocks and what was left as text."""
    converted = Converted(find_image, gallery_urls)
    position = 0
    for start, end, name, attrs, inner in _top_level_blocks(content):
        _classic(content[position:start], converted)
        _block(name, attrs, inner, converted)
        position = end
    _classic(content[position:], converted)
    converted.flush()
    return converted


def _top_level_blocks(content):
    """(start, end, name, attrs, inner source) of each outermost Gutenberg block."""
    depth, opened = 0, None
    for match in BLOCK_COMMENT.finditer(content):
        name = match.group("name").removeprefix("core/")
        if match.group("void"):
            if depth == 0:
                yield match.start(), match.end(), name, _attrs(match), ""
        elif match.group("close"):
            depth -= 1
            if depth == 0 and opened is not None:
                yield opened.start(), match.end(), opened_name, _attrs(opened), content[opened.end() : match.start()]
                opened = None
            depth = max(depth, 0)
        else:
            if depth == 0:
                opened, opened_name = match, name
            depth += 1


def _attrs(match):
    try:
        value = json.loads(match.group("attrs") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _block(name, attrs, inner, converted):
    if name in PLAIN_BLOCKS:
        if name == "quote":
            inner = re.sub(r"<cite\b[^>]*>(.*?)</cite>", r"<p>— \1</p>", inner, flags=re.S | re.I)
        position = 0
        for start, end, child, child_attrs, child_inner in _top_level_blocks(inner):
            if child in PLAIN_BLOCKS:
                continue  # its HTML is read with the text around it
            _classic(inner[position:start], converted)
            _block(child, child_attrs, child_inner, converted)
            position = end
        _classic(inner[position:], converted)
    elif name == "pullquote":
        text = plain_text_of_html(re.sub(r"<cite\b.*?</cite>", "", inner, flags=re.S | re.I))
        if text:
            converted.add(("pull_quote", {"text": text}))
    elif name == "image":
        _images(inner, converted, caption=_caption(inner))
    elif name == "gallery":
        for image in IMAGE.finditer(inner):
            _image(image.group(0), converted, "")
        if not IMAGE.search(inner):
            for url in converted.gallery_urls(attrs.get("ids") or []):
                _image_at(url, "", "", converted)
    elif name == "table":
        _table(inner, converted)
    elif name == "embed" or name.startswith("embed/") or name.startswith("core-embed/"):
        url = attrs.get("url") or _first_address(inner)
        if url:
            converted.embed(url)
    else:
        converted.unknown_name(f"<!-- wp:{name} -->")
        _classic(inner, converted)


def _classic(source, converted):
    """Classic-editor HTML with shortcodes: shortcodes first, the HTML between them as paragraphs."""
    position = 0
    for match in SHORTCODE.finditer(source):
        name = match.group("name").lower()
        if name not in PLAIN_SHORTCODES:
            continue  # left in the text below, and listed
        _html(source[position : match.start()], converted)
        params = _params(match.group("params"))
        inner = match.group("inner") or ""
        if name in ("caption", "wp_caption"):
            caption = params.get("caption") or plain_text_of_html(IMAGE.sub("", inner))
            _images(inner, converted, caption=caption)
        elif name == "gallery":
            ids = [i.strip() for i in params.get("ids", "").split(",") if i.strip()]
            for url in converted.gallery_urls(ids):
                _image_at(url, "", "", converted)
        elif name == "embed":
            url = _first_address(inner)
            if url:
                converted.embed(url)
        position = match.end()
    _html(source[position:], converted)


def _html(source, converted):
    if not source.strip():
        return
    for match in SHORTCODE.finditer(source):
        converted.unknown_name(f"[{match.group('name')}]")
    for chunk in _paragraph_chunks(source):
        address = WEB_ADDRESS.match(chunk)
        if address:
            converted.embed(unescape(address.group(1)))
            continue
        if not chunk.strip():
            continue
        if not BLOCK_START.match(chunk):
            # WordPress adds paragraphs when it shows a classic post (wpautop); the export has none.
            chunk = "<p>" + chunk.strip().replace("\n", "<br>\n") + "</p>"
        converted.add_html(chunk)


def _paragraph_chunks(source):
    """The text between blank lines, as wpautop sees it, except that a blank line inside an open
    <blockquote>, list, table or <div> does not cut it."""
    buffer = ""
    for chunk in re.split(r"\n\s*\n", source.replace("\r\n", "\n")):
        buffer = f"{buffer}\n\n{chunk}" if buffer else chunk
        if len(CONTAINER_OPEN.findall(buffer)) <= len(CONTAINER_CLOSE.findall(buffer)):
            yield buffer
            buffer = ""
    if buffer:
        yield buffer


def _images(source, converted, caption):
    for image in IMAGE.finditer(source):
        _image(image.group(0), converted, caption)


def _image(tag, converted, caption):
    attributes = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3) for m in ATTRIBUTE.finditer(tag)}
    _image_at(unescape(attributes.get("src", "")), unescape(attributes.get("alt", "")), caption, converted)


def _image_at(url, alt, caption, converted):
    if not url:
        return
    image = converted.find_image(url, "body image")
    if image is not None:
        converted.add(("image", {"image": image, "alt": alt, "caption": caption[:255], "credit": ""}))


def _caption(source):
    match = FIGCAPTION.search(source)
    return plain_text_of_html(match.group(1)) if match else ""


def _table(source, converted):
    """No table block exists yet: each row becomes a line of its cells, so nothing is lost."""
    rows = []
    for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", source, flags=re.S | re.I):
        cells = [plain_text_of_html(cell) for cell in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, re.S | re.I)]
        if any(cells):
            rows.append(" | ".join(cells))
    if rows:
        html = "".join(f"<p>{nh3.clean(row, tags=set())}</p>" for row in rows)
        converted.add(("paragraph", html))
        converted.notes.append("a table became lines of text")
    caption = _caption(source)
    if caption:
        converted.add(("paragraph", f"<p>{nh3.clean(caption, tags=set())}</p>"))


def _first_address(source):
    match = re.search(r"https?://[^\s<>\"\[\]]+", source)
    return unescape(match.group(0)) if match else ""


def _params(source):
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in PARAM.finditer(source)}
