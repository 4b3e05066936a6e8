"""Small builders for the newsroom's content, shared by the tests."""

import io
from datetime import timedelta

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Locale, Site

from samizdat.news.models import ArticlePage, Author, HomePage, SectionPage


def make_image(title="Harbour at dawn", size=(1600, 900), colour=(40, 90, 140)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "JPEG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{title[:40]}.jpg"))


def home_page():
    """The first edition's front page, the site's root."""
    return Site.objects.get(is_default_site=True).root_page.specific


def translate_home(language="ru"):
    """The front page of the edition in `language`: the first one's translation, published (what
    an editor's "Translate" and "Publish" make)."""
    translation = home_page().copy_for_translation(Locale.objects.get(language_code=language))
    translation.save_revision().publish()
    return HomePage.objects.get(pk=translation.pk)


def translated(page, language="ru", **fields):
    """`page` translated into the edition in `language` (Wagtail's "Translate"), these fields
    changed, then published."""
    copy = page.copy_for_translation(Locale.objects.get(language_code=language))
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    copy.refresh_from_db()
    return copy


def make_section(title="News", slug=None, home=None):
    home = home or home_page()
    section = SectionPage(title=title, slug=slug or title.lower().replace(" ", "-").replace("&", "and"), show_in_menus=True)
    home.add_child(instance=section)
    section.save_revision().publish()
    return section


def make_author(name="Irina Volkova", **fields):
    return Author.objects.create(name=name, **fields)


def make_article(
    section,
    title="Harbour cranes fall silent",
    *,
    tags=(),
    authors=(),
    published_at=None,
    minutes_ago=60,
    image=None,
    live=True,
    **fields,
):
    """An article under `section`. `live=False` leaves it as an unpublished draft."""
    fields.setdefault("standfirst", f"Standfirst of {title}.")
    fields.setdefault("body", [("paragraph", f"<p>Body of {title}.</p>")])
    article = ArticlePage(
        title=title,
        published_at=published_at or timezone.now() - timedelta(minutes=minutes_ago),
        lead_image=image,
        **fields,
    )
    section.add_child(instance=article)
    for author in authors:
        article.article_authors.create(author=author)
    if tags:
        article.tags.add(*tags)
    revision = article.save_revision()
    if live:
        revision.publish()
    else:
        ArticlePage.objects.filter(pk=article.pk).update(live=False)
    article.refresh_from_db()
    return article
