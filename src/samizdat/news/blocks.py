"""The pieces an article body is made of."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

INLINE_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript", "strikethrough"]


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False)

    class Meta:
        icon = "openquote"
        template = "news/blocks/quote.html"


class PullQuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()

    class Meta:
        icon = "pick"
        template = "news/blocks/pull_quote.html"


class InlineImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt = blocks.CharBlock(required=False, help_text="Describe the image for readers who can't see it.")
    caption = blocks.CharBlock(required=False)
    credit = blocks.CharBlock(required=False)

    class Meta:
        icon = "image"
        template = "news/blocks/image.html"


class EmbedLinkBlock(blocks.StructBlock):
    """An embed shown as a plain link: readers' browsers never call the embedded service."""

    url = blocks.URLBlock()
    title = blocks.CharBlock(required=False)

    class Meta:
        icon = "media"
        template = "news/blocks/embed_link.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=INLINE_FEATURES, template="news/blocks/paragraph.html")
    heading = blocks.CharBlock(icon="title", template="news/blocks/heading.html")
    quote = QuoteBlock()
    pull_quote = PullQuoteBlock()
    image = InlineImageBlock()
    embed = EmbedLinkBlock()
