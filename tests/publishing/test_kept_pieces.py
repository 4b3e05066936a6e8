"""Teasers the publisher keeps from one change to the next are keyed by what they were rendered
from: their template (wherever it is loaded from) and the data they show."""

import io
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model

import samizdat.news
from samizdat.news.models import ArticlePage
from samizdat.news.pieces import render_kept
from samizdat.news.teasers import TEASER_TEMPLATE
from samizdat.publishing.batch_cache import batch
from samizdat.publishing.plain_data import NotPlainData
from tests.factories import make_article, make_image, make_section

pytestmark = pytest.mark.django_db

TEASER = Path(samizdat.news.__file__).parent / "templates/news/includes/teaser.html"


def override_teaser(settings, folder, change):
    """A copy of the teaser template in a folder of its own, searched before the app's."""
    target = folder / "news/includes/teaser.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(change(TEASER.read_text()))
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(folder)]}]


def teaser_of(html, headline):
    for teaser in BeautifulSoup(html, "html.parser").select("article.teaser"):
        if teaser.select_one(".teaser-headline").get_text(strip=True) == headline:
            return teaser
    raise AssertionError(f"no teaser of {headline!r}")


def test_a_teaser_template_showing_the_section_and_a_renamed_section_are_published(settings, tmp_path, public):
    override_teaser(settings, tmp_path / "theme", lambda source: source.replace(
        '<p class="teaser-meta">', '<p class="teaser-section">{{ article.section }}</p><p class="teaser-meta">'))
    news = make_section("News")
    make_article(news, "Cranes fall silent")
    assert teaser_of(public.text("/"), "Cranes fall silent").select_one(".teaser-section").get_text() == "News"
    news.title = "World"
    news.save_revision().publish()
    for url in ("/", "/news/"):
        assert teaser_of(public.text(url), "Cranes fall silent").select_one(".teaser-section").get_text() == "World"


def test_a_teaser_template_changed_between_two_changes_reaches_every_teaser_published(settings, tmp_path, public):
    """The second change re-renders the front page, where the first story's teaser was kept: it
    comes out of the new template, which lives outside samizdat's package."""
    news = make_section("News")
    make_article(news, "Cranes fall silent", minutes_ago=120)
    override_teaser(settings, tmp_path / "theme", lambda source: source)
    other = make_article(news, "Ferry fares rise", minutes_ago=60)
    assert "data-theme" not in str(teaser_of(public.text("/"), "Cranes fall silent"))
    override_teaser(settings, tmp_path / "theme-2", lambda source: source.replace(
        '<article class="teaser', '<article data-theme="2" class="teaser'))
    other.title = "Ferry fares rise again"
    other.save_revision().publish()
    assert teaser_of(public.text("/"), "Cranes fall silent")["data-theme"] == "2"


def feed_text(xml, headline):
    """The full text a feed gives for the story with this headline."""
    for item in ElementTree.fromstring(xml).iter("item"):
        if item.findtext("title") == headline:
            return item.findtext("description")
    raise AssertionError(f"no item {headline!r}")


def test_a_feed_shows_the_new_address_of_a_story_linked_from_a_text_and_a_picture_in_it_replaced(public):
    """A story's full text is kept from one change to the next: the pages its text links to and the
    pictures in it are part of what it was made from, so a linked story that moves or a picture
    given a new file reach the feeds with the next change."""
    news = make_section("News")
    picture = make_image("Cranes at dusk")
    linked = make_article(news, "Port strike ends", minutes_ago=300)
    make_article(news, "Cranes fall silent", minutes_ago=120, body=[
        ("paragraph", f'<p>Work stopped after <a linktype="page" id="{linked.pk}">the strike</a>.</p>'),
        ("image", {"image": picture, "alt": "Idle cranes", "caption": "Pier 4.", "credit": "Marta Lenz"}),
    ])
    text = feed_text(public.text("/rss.xml"), "Cranes fall silent")
    assert "/news/port-strike-ends/" in text and "Cranes_at_dusk" in text

    linked.slug = "strike-over"
    linked.save_revision().publish()
    text = feed_text(public.text("/rss.xml"), "Cranes fall silent")
    assert "/news/strike-over/" in text and "/news/port-strike-ends/" not in text

    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (200, 90, 40)).save(buffer, "JPEG")
    picture.renditions.all().delete()  # as Wagtail's edit form does for a new file
    picture.file = ImageFile(buffer, name="Night harbour.jpg")
    picture.save()
    text = feed_text(public.text("/rss.xml"), "Cranes fall silent")
    assert "Night_harbour" in text and "Cranes_at_dusk" not in text


def test_a_feed_shows_the_new_link_of_a_document_a_text_links_to_given_a_new_file(public):
    """A linked document is looked up by id when the text is rendered: its address is part of what
    the kept text was made from, so the next change that publishes the feed shows the new one."""
    news = make_section("News")
    report = get_document_model().objects.create(title="Port report", file=ContentFile(b"%PDF-1.4", name="port-report.pdf"))
    make_article(news, "Cranes fall silent", minutes_ago=120, body=[
        ("paragraph", f'<p>Read <a linktype="document" id="{report.pk}">the report</a>.</p>'),
    ])
    assert f"/documents/{report.pk}/port-report.pdf" in feed_text(public.text("/rss.xml"), "Cranes fall silent")

    report.file = ContentFile(b"%PDF-1.4 revised", name="harbour-report.pdf")
    report.save()
    make_article(news, "Ferry fares rise", minutes_ago=60)  # a change that publishes the feed again
    text = feed_text(public.text("/rss.xml"), "Cranes fall silent")
    assert f"/documents/{report.pk}/harbour-report.pdf" in text and "port-report.pdf" not in text


def test_a_kept_template_refuses_what_its_key_could_not_name():
    """A story object could show any of its fields, and the key would not change with them."""
    story = make_article(make_section("News"), "Cranes fall silent", image=make_image())
    with pytest.raises(NotPlainData, match="plain data only"):
        render_kept(TEASER_TEMPLATE, {"article": ArticlePage.objects.get(pk=story.pk)})
    with batch(), pytest.raises(NotPlainData, match="plain data only"):
        render_kept(TEASER_TEMPLATE, {"article": {"title": "x", "picture": story.lead_image}})
