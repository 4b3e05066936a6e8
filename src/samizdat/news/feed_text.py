"""A story's whole text as feed readers get it: standfirst, lead image with its credit, body, agency
credit and corrections. Rendered from plain data (read_full_texts()), so the publisher can keep it
from one change to the next under that data and the template's source: a story is in many feeds.

The body is stored as ids (a picture's, a linked page's or document's) that rendering looks up.
What they stand for, the pictures' renditions and the pages' and documents' addresses, is read into
the data too ("shows"), so a kept text changes when a linked story moves, a linked document gets a
new file or a picture a new one."""

from collections import defaultdict

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.shortcuts import get_rendition_or_not_found
from wagtail.models import Page

from .listing import PICTURE_FIELDS, picture_key_of, read_once_per_batch
from .models.article import ArticlePage, Correction
from .models.people import agency_credit_line
from .pieces import render_kept

FULL_TEXT_TEMPLATE = "news/feed_item.html"
# The rendition feed_item.html and blocks/image.html show in feeds.
FEED_PICTURE = "width-1200"
# The templates a story's body blocks render with: a kept full text changes with them too.
BODY_TEMPLATES = tuple(sorted(
    block.meta.template for block in ArticlePage._meta.get_field("body").stream_block.child_blocks.values()
    if getattr(block.meta, "template", None)
))


def full_text(pk):
    """The story's whole text as HTML; "" if it is gone."""
    data = read_once_per_batch("feed-full-text", [pk], read_full_texts).get(pk)
    if data is None:
        return ""
    return render_kept(FULL_TEXT_TEMPLATE, {"article": data}, also=BODY_TEMPLATES)


def read_full_texts(ids):
    """{story id: the data full_text() renders}, for many stories at once."""
    corrections = defaultdict(list)
    for page_id, kind, date, text in Correction.objects.filter(page_id__in=ids).order_by("page_id", "sort_order").values_list(
        "page_id", "kind", "date", "text"
    ):
        corrections[page_id].append({"kind": dict(Correction.KINDS)[kind], "date": date, "text": text})
    rows = ArticlePage.objects.filter(pk__in=ids).values_list(
        "pk", "standfirst", "body", "lead_image_caption", "lead_image_credit", "credit_line", "agency__name",
        "agency__credit", "lead_image_id", *PICTURE_FIELDS,
    )
    found, bodies, lead_images = {}, {}, {}
    for pk, standfirst, body, caption, credit, credit_line, agency, wording, image_id, *picture in rows:
        picture = picture_key_of(picture)
        bodies[pk], lead_images[pk] = body, image_id if picture else None
        found[pk] = {
            "standfirst": standfirst,
            "picture": (image_id, *picture) if picture else None,
            "caption": caption,
            "credit": credit,
            "body": body.get_prep_value(),
            # ArticlePage.agency_credit: the story's own line, else its agency's.
            "agency_credit": credit_line or (agency_credit_line(agency, wording) if agency is not None else ""),
            "corrections": corrections[pk],
        }
    for pk, shows in what_texts_show(bodies, lead_images).items():
        found[pk]["shows"] = shows
    return found


def what_texts_show(bodies, lead_images):
    """{story id: (("page", id, its url_path), ("picture", id, its feed rendition's url, width,
    height), ("document", id, its url, its title), ...)}: what rendering the stories' texts looks
    up by id, found through the body field's own extract_references() (as Wagtail's reference
    index does) and read for all at once."""
    body_field = ArticlePage._meta.get_field("body")
    image_model, document_model = get_image_model(), get_document_model()
    named = {pk: {(model, int(object_id)) for model, object_id, _, _ in body_field.extract_references(body)}
             for pk, body in bodies.items()}
    for pk, image_id in lead_images.items():
        if image_id:
            named[pk].add((image_model, image_id))

    def ids_of(kind):
        return {object_id for refs in named.values() for model, object_id in refs if issubclass(model, kind)}

    pages = dict(Page.objects.filter(pk__in=ids_of(Page)).values_list("pk", "url_path"))
    documents = {doc.pk: (doc.url, doc.title) for doc in document_model.objects.filter(pk__in=ids_of(document_model))}
    images = image_model.objects.filter(pk__in=ids_of(image_model)).prefetch_renditions(FEED_PICTURE)
    pictures = {image.pk: feed_picture(image) for image in images}
    shows = {}
    for pk, refs in named.items():
        shows[pk] = tuple(sorted(
            ("page", object_id, pages.get(object_id)) if issubclass(model, Page)
            else ("picture", object_id, pictures.get(object_id)) if issubclass(model, image_model)
            else ("document", object_id, *documents.get(object_id, (None, None))) if issubclass(model, document_model)
            else (model._meta.label, object_id)
            for model, object_id in refs
        ))
    return shows


def feed_picture(image):
    """(url, width, height) of the rendition feeds show; None if the picture's file is gone."""
    rendition = get_rendition_or_not_found(image, FEED_PICTURE)
    if rendition.file.name == "not-found":
        return None
    return (rendition.url, rendition.width, rendition.height)
