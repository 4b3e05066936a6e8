"""Teasers rendered from plain data, read as rows for hundreds of stories at once, and kept between
publishing batches under that data and their template."""

import pytest

from samizdat.news.models import ArticlePage
from samizdat.news.teasers import render_teaser, teasers
from samizdat.publishing.batch_cache import batch
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


@pytest.fixture
def story(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    news = make_section("News")
    bylines = [make_author("Irina Volkova"), make_author("Tomas Brandt")]
    return make_article(news, "Cranes fall silent", authors=bylines, image=make_image(), tags=["port"])


def test_a_teaser_shows_the_storys_picture_headline_bylines_and_date(story):
    teaser = render_teaser(teasers([story.pk])[0])
    assert "Cranes fall silent" in teaser and "Irina Volkova, Tomas Brandt" in teaser
    assert 'href="/news/cranes-fall-silent/"' in teaser and "<img" in teaser and "<time" in teaser


def test_a_kept_teaser_is_the_teaser_rendered_afresh(story):
    """Twice in a batch of its own, the second time from what the first kept."""
    fresh = render_teaser(teasers([story.pk])[0], lead_teaser=True, level=2)
    for _ in range(2):
        with batch():
            assert render_teaser(teasers([story.pk])[0], lead_teaser=True, level=2) == fresh


def test_a_new_headline_or_byline_is_a_new_teaser(story):
    before = teasers([story.pk])[0]
    story.title = "Cranes move again"
    story.save_revision().publish()
    assert teasers([story.pk])[0]["title"] == "Cranes move again"
    edited = ArticlePage.objects.get(pk=story.pk)
    edited.article_authors.all().delete()
    assert teasers([story.pk])[0]["author_names"] == () != before["author_names"]
