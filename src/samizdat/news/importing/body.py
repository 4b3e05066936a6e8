"""The Markdown body of an article, cut into the blocks of ArticlePage.body.

Shortcodes ({{< pullquote >}}, {{< figure >}}) and URLs alone on a line are taken out first; what
is left between them is Markdown, rendered, sanitised and split at its top level into paragraphs,
headings and quotes. Images come back as LocalImage references: they become Wagtail images only
when the article is saved, so a rejected file leaves nothing behind.
"""

import re
from html import unescape

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from . import htmltree
from .fields import Rejected, shown

# What a paragraph block holds: the inline features of blocks.INLINE_FEATURES, as Wagtail stores them.
RICH_TEXT_TAGS = {"p", "a", "strong", "b", "em", "i", "ul", "ol", "li", "br", "sup", "sub"}
# The first pass keeps the structure that decides the blocks; everything else is unwrapped to text.
STRUCTURE_TAGS = RICH_TEXT_TAGS | {
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
    "img",
    "div",
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

PULL_QUOTE = re.compile(r"\{\{[<%]\s*pullquote\s*[>%]\}\}(.*?)\{\{[<%]\s*/\s*pullquote\s*[>%]\}\}", re.S)
TOKEN = re.compile(
    r"""(?P<shortcode>\{\{[<%]\s*(?P<name>/?\s*[\w-]*)
          (?P<params>(?:[^}"']|"[^"]*"|'[^']*')*?)/?\s*[>%]\}\})
    |(?P<url>^[\ \t]{0,3}(?P<address>https?://[^\s<>]+)[\ \t]*$)""",
    re.M | re.X,
)
PARAM = re.compile(r"""([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']+))""")
ATTRIBUTION = re.compile(r"^(?:—|―|–|--)\s*(?P<name>\S.*)$")

is_web_address = URLValidator(schemes=["http", "https"])


def body_blocks(body, *, first_line, find_image):
    """[(block type, value), ...] for ArticlePage.body. `first_line` is the body's line in the file,
    for error messages; `find_image(reference, field)` checks an image path and returns a LocalImage."""
    reader = _BodyReader(body, first_line, find_image)
    return reader.blocks()


def html_body_blocks(html, *, find_image):
    """Blocks from an HTML body exported by another system (src/samizdat/migrating/), sanitised and
    cut the way a Markdown body is. An image inside text is lifted out after its paragraph rather
    than refused: an export can't be edited by hand the way a Markdown file can. `find_image` may
    return None for a file that is missing; the image is then left out."""
    reader = _BodyReader(html, 1, find_image, lift_inline_images=True)
    reader.add_html(html)
    return reader.out


class _BodyReader:
    def __init__(self, body, first_line, find_image, lift_inline_images=False):
        self.body = body
        self.first_line = first_line
        self.find_image = find_image
        self.lift_inline_images = lift_inline_images
        self.out = []

    def line(self, position):
        return self.first_line + self.body.count("\n", 0, position)

    def blocks(self):
        position = 0
        for match in PULL_QUOTE.finditer(self.body):
            self.markdown_between(position, match.start())
            text = plain_text(match.group(1))
            if not text:
                raise Rejected(f"body line {self.line(match.start())}", "the pull quote is empty")
            self.out.append(("pull_quote", {"text": text}))
            position = match.end()
        self.markdown_between(position, len(self.body))
        return self.out

    def markdown_between(self, start, end):
        position = start
        for match in TOKEN.finditer(self.body, start, end):
            if match.group("url"):
                address = match.group("address")
                try:
                    is_web_address(address)
                except ValidationError:
                    continue  # not a usable address: it stays in the text
                self.markdown(position, match.start())
                self.out.append(("embed", {"url": address, "title": ""}))
            else:
                self.markdown(position, match.start())
                self.shortcode(match)
            position = match.end()
        self.markdown(position, end)

    def shortcode(self, match):
        where = f"body line {self.line(match.start())}"
        name = re.sub(r"\s", "", match.group("name"))
        if name == "figure":
            self.figure(match.group("params"), where)
        elif name in ("pullquote", "/pullquote"):
            raise Rejected(where, "{{< pullquote >}} needs a matching {{< /pullquote >}}")
        else:
            raise Rejected(where, f"unknown shortcode {shown(name)}; use pullquote or figure")

    def figure(self, params, where):
        values = {}
        for match in PARAM.finditer(params):
            quoted, single, bare = match.group(2), match.group(3), match.group(4)
            value = (
                re.sub(r"\\(.)", r"\1", quoted)
                if quoted is not None
                else (single if single is not None else bare)
            )
            values[match.group(1).lower()] = value.strip()
        if not values.get("src"):
            raise Rejected(where, 'the figure has no src="…" image path')
        image = self.find_image(values["src"], f"{where}, figure src")
        if image is None:
            return
        caption = plain_text(values.get("caption") or values.get("title") or "")
        self.out.append(
            (
                "image",
                {
                    "image": image,
                    "alt": values.get("alt", ""),
                    "caption": caption,
                    "credit": values.get("attr", ""),
                },
            )
        )

    def markdown(self, start, end):
        source = self.body[start:end]
        if not source.strip():
            return
        stray = re.search(r"\{\{[<%]", source)
        if stray:
            raise Rejected(
                f"body line {self.line(start + stray.start())}", "a shortcode is not closed with >}}"
            )
        self.add_html(markdown.markdown(source))

    def add_html(self, html):
        html = nh3.clean(
            html,
            tags=STRUCTURE_TAGS,
            attributes={"a": {"href"}, "img": {"src", "alt", "title"}},
            clean_content_tags={"script", "style"},
            link_rel=None,
            url_schemes=URL_SCHEMES,
        )
        self.add_nodes(htmltree.parse(html), paragraphs=[])

    def add_nodes(self, nodes, paragraphs):
        """Runs of paragraphs and lists become one paragraph block; the rest are blocks of their own."""
        for node in nodes:
            if isinstance(node, str):
                if node.strip():
                    paragraphs.append(f"<p>{htmltree.inner_html([node.strip()])}</p>")
                continue
            tag = node.tag
            if tag in ("p", "ul", "ol"):
                if self.standalone_image(node, paragraphs):
                    continue
                if self.lift_inline_images:
                    self.lift_images(node, paragraphs)
                    continue
                self.refuse_inline_images(node)
                paragraphs.append(node.html())
            elif tag == "pre":
                lines = htmltree.inner_html([node.text().strip("\n")]).replace("\n", "<br>")
                paragraphs.append(f"<p>{lines}</p>")
            elif tag == "div":
                self.add_nodes(node.children, paragraphs)  # raw HTML wrappers: keep what is inside
                continue
            else:
                self.flush(paragraphs)
                if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                    heading = " ".join(node.text().split())
                    if heading:
                        self.out.append(("heading", heading))
                elif tag == "blockquote":
                    self.quote(node)
                elif tag == "img":
                    self.image(node)
                elif tag != "hr":
                    text = " ".join(node.text().split())
                    if text:
                        paragraphs.append(f"<p>{htmltree.inner_html([text])}</p>")
        self.flush(paragraphs)

    def flush(self, paragraphs):
        if not paragraphs:
            return
        html = nh3.clean("".join(paragraphs), tags=RICH_TEXT_TAGS, attributes={"a": {"href"}}, link_rel=None)
        html = re.sub(r"<a>(.*?)</a>", r"\1", html, flags=re.S)  # a link whose address was refused
        paragraphs.clear()
        if plain_text_of_html(html):
            self.out.append(("paragraph", html))

    def standalone_image(self, node, paragraphs):
        """`![alt](path "caption")` alone in its paragraph is an inline image block, as a figure is."""
        elements = [c for c in node.children if not (isinstance(c, str) and not c.strip())]
        if node.tag == "p" and len(elements) == 1 and getattr(elements[0], "tag", None) == "img":
            self.flush(paragraphs)
            self.image(elements[0])
            return True
        return False

    def image(self, node):
        src = node.attrs.get("src") or ""
        if not src:
            return  # an image whose address the sanitiser refused (javascript:, data:) is dropped
        position = self.body.find(src)
        where = f"body line {self.line(position)}" if position >= 0 else "body"
        image = self.find_image(src, f"{where}, image")
        if image is None:
            return
        caption = node.attrs.get("title") or ""
        self.out.append(
            ("image", {"image": image, "alt": node.attrs.get("alt") or "", "caption": caption, "credit": ""})
        )

    def lift_images(self, node, paragraphs):
        images = list(node.find_all("img"))
        paragraphs.append(node.without("img").html())
        if images:
            self.flush(paragraphs)
        for image in images:
            self.image(image)

    def refuse_inline_images(self, node):
        image = next(node.find_all("img"), None)
        if image is not None:
            src = shown(image.attrs.get("src", ""))
            raise Rejected("body", f"the image {src} sits inside text; give it a paragraph of its own")

    def quote(self, node):
        paragraphs = [htmltree.text_of(child) for child in node.children]
        paragraphs = [p.strip() for p in paragraphs if p.strip()]
        attribution = ""
        if paragraphs:
            last_lines = paragraphs[-1].splitlines()
            match = ATTRIBUTION.match(last_lines[-1].strip())
            if match and (len(last_lines) > 1 or len(paragraphs) > 1):
                attribution = match.group("name").strip()
                paragraphs[-1] = "\n".join(last_lines[:-1]).strip()
        text = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
        if text:
            self.out.append(("quote", {"text": text, "attribution": attribution}))


def plain_text(source):
    """Markdown (a pull quote, a caption) as plain text: formatting dropped, entities decoded."""
    return plain_text_of_html(markdown.markdown(source))


def plain_text_of_html(html):
    return " ".join(unescape(nh3.clean(html, tags=set())).split())
