"""A small tree of already-sanitised HTML, so the body can be cut into blocks at its top level."""

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

VOID = {"br", "hr", "img"}


@dataclass
class Element:
    tag: str
    attrs: dict = field(default_factory=dict)
    children: list = field(default_factory=list)

    def html(self):
        attrs = "".join(f' {name}="{escape(value or "")}"' for name, value in self.attrs.items())
        if self.tag in VOID:
            return f"<{self.tag}{attrs}>"
        return f"<{self.tag}{attrs}>{inner_html(self.children)}</{self.tag}>"

    def text(self):
        return "".join(
            "\n" if isinstance(c, Element) and c.tag == "br" else text_of(c) for c in self.children
        )

    def without(self, tag):
        """A copy with every `tag` element (and what is inside it) left out."""
        children = [c if isinstance(c, str) else c.without(tag) for c in self.children]
        return Element(self.tag, self.attrs, [c for c in children if isinstance(c, str) or c.tag != tag])

    def find_all(self, tag):
        for child in self.children:
            if isinstance(child, Element):
                if child.tag == tag:
                    yield child
                yield from child.find_all(tag)


def text_of(node):
    return node if isinstance(node, str) else node.text()


def inner_html(children):
    return "".join(escape(c, quote=False) if isinstance(c, str) else c.html() for c in children)


def parse(html):
    """The top-level nodes (elements and text) of an HTML fragment."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root.children


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)
