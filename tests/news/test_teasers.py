"""Teasers kept between publishing batches, looked up from rows read for hundreds of stories at once."""

import pytest
from django.test import RequestFactory

from samizdat.core.render_cache import render_cache
from samizdat.news.listing import articles_in_order
from samizdat.news.models import ArticlePage
from samizdat.news.teasers import TeaserSource, render_teaser, teaser_sources
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    news = make_section("News")
    bylines = [make_author("Irina Volkova"), make_author("Tomas Brandt")]
    return make_article(news, "Cranes fall silent", authors=bylines, image=make_image(), tags=["port"])


def test_a_storys_row_keys_its_teaser_as_the_story_itself_does(story):
    """Read more parts look teasers up by rows; a row that keyed differently would render every
    teaser again at every change."""
    row = teaser_sources([story.pk])[0]
    assert row == TeaserSource.of(ArticlePage.objects.get(pk=story.pk))
    assert row == TeaserSource.of(articles_in_order([story.pk])[0])
    assert row.author_names == ("Irina Volkova", "Tomas Brandt") and row.picture is not None


def test_a_teaser_from_a_row_is_the_teaser_of_the_story(story):
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8000")
    from_story = render_teaser(request, ArticlePage.objects.get(pk=story.pk))
    with render_cache():  # nothing kept yet: the row's story is fetched and rendered
        from_row = render_teaser(request, teaser_sources([story.pk])[0])
    assert from_row == from_story
    assert "Cranes fall silent" in from_row and "Tomas Brandt" in from_row and "<img" in from_row


def test_a_new_headline_or_byline_is_a_new_teaser(story):
    before = teaser_sources([story.pk])[0]
    story.title = "Cranes move again"
    story.save_revision().publish()
    assert teaser_sources([story.pk])[0] != before
    edited = ArticlePage.objects.get(pk=story.pk)
    edited.article_authors.all().delete()
    assert teaser_sources([story.pk])[0].author_names == ()
