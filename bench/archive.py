"""A synthetic newsroom archive for benchmarks: N articles in S sections with T tags, built in bulk.

Creating 10,000 Wagtail pages one by one takes many minutes; here the page rows are written in bulk
(tree paths computed as treebeard would), which gives the same tables the admin would.
"""

import io
import random
import uuid
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.images.models import Image
from wagtail.models import Locale, Page

from samizdat.news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticleTag,
    Author,
    HomePage,
    SectionPage,
)

WORDS = (
    "harbour council port tram budget river ferry school court shipyard market museum theatre "
    "election rent heating bridge quay union strike festival library station hospital fishing"
).split()


def sentence(rng, words=14):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def build_archive(articles=10_000, sections=10, tags=500, authors=20, images=20, seed=1):
    rng = random.Random(seed)
    home = HomePage.objects.get()
    locale = Locale.get_default()
    with transaction.atomic():
        section_pages = []
        for n in range(sections):
            section = SectionPage(title=f"Section {n + 1}", slug=f"section-{n + 1}", show_in_menus=True)
            home.add_child(instance=section)
            section.save_revision().publish()
            section_pages.append(section)
        tag_rows = Tag.objects.bulk_create([Tag(name=f"topic {n}", slug=f"topic-{n}") for n in range(tags)])
        author_rows = [Author.objects.create(name=f"Reporter {n}", role="Reporter", bio=sentence(rng)) for n in range(authors)]
        pictures = [_image(f"Picture {n}", rng) for n in range(images)]

        content_type = ContentType.objects.get_for_model(ArticlePage)
        now = timezone.now()
        per_section = [0] * sections
        pages = []
        for n in range(articles):
            index = n % sections
            section = section_pages[index]
            per_section[index] += 1
            published = now - timedelta(minutes=37 * (articles - n))
            slug = f"story-{n}"
            pages.append(
                ArticlePage(
                    title=f"Story {n}: {sentence(rng, 6)[:-1]}",
                    draft_title=f"Story {n}",
                    slug=slug,
                    path=ArticlePage._get_path(section.path, section.depth + 1, per_section[index]),
                    depth=section.depth + 1,
                    numchild=0,
                    url_path=f"{section.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    content_type=content_type,
                    locale=locale,
                    translation_key=uuid.uuid4(),
                    first_published_at=published,
                    last_published_at=published,
                    published_at=published,
                    standfirst=sentence(rng, 24),
                    dateline="Lindenport",
                    lead_image=rng.choice(pictures),
                    lead_image_caption=sentence(rng, 8),
                    lead_image_credit=f"Photographer {n % 30}",
                    body=[("paragraph", f"<p>{sentence(rng, 40)}</p>") for _ in range(6)],
                )
            )
        # MTI: write the wagtailcore_page rows in bulk, then each article's own row.
        page_rows = Page.objects.bulk_create([Page(**_page_fields(page)) for page in pages], batch_size=500)
        for page, row in zip(pages, page_rows):
            page.page_ptr_id = page.id = row.id
            page.save_base(raw=True, force_insert=True)
        for section, count in zip(section_pages, per_section):
            Page.objects.filter(pk=section.pk).update(numchild=count)
        ArticleTag.objects.bulk_create(
            [
                ArticleTag(content_object_id=page.pk, tag=tag)
                for page in pages
                for tag in rng.sample(tag_rows, 3)
            ],
            batch_size=2000,
        )
        ArticleAuthor.objects.bulk_create(
            [ArticleAuthor(page_id=page.pk, author=rng.choice(author_rows), sort_order=0) for page in pages],
            batch_size=2000,
        )
    return section_pages


def _page_fields(page):
    names = [field.attname for field in Page._meta.concrete_fields if field.attname != "id"]
    return {name: getattr(page, name) for name in names}


def _image(title, rng):
    buffer = io.BytesIO()
    colour = tuple(rng.randrange(256) for _ in range(3))
    PILImage.new("RGB", (1600, 900), colour).save(buffer, "JPEG", quality=70)
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{title}.jpg"))
