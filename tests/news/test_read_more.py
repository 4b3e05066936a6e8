""""Read more" under an article: up to four related stories, those sharing tags first, then the same
section, newest first; never the article itself, never anything unpublished."""

from datetime import timedelta

import pytest
from django.utils import timezone

from samizdat.news.related import read_more
from tests.factories import make_article, make_section
from tests.news.conftest import soup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


def titles(articles):
    return [article["title"] for article in articles]


@pytest.fixture
def news():
    return make_section("News")


@pytest.fixture
def business():
    return make_section("Business")


def test_read_more_puts_stories_sharing_tags_before_stories_from_the_same_section(news, business):
    story = make_article(news, "Cranes fall silent", tags=["port"], minutes_ago=1)
    make_article(news, "Same section, newest", minutes_ago=5)
    make_article(business, "Shares a tag, older", tags=["port"], minutes_ago=300)
    assert titles(read_more(story)) == ["Shares a tag, older", "Same section, newest"]


def test_read_more_ranks_stories_sharing_more_tags_first_then_newest(news, business):
    story = make_article(news, "Cranes fall silent", tags=["port", "strike"], minutes_ago=1)
    make_article(business, "One tag, newer", tags=["port"], minutes_ago=10)
    make_article(business, "Two tags, oldest", tags=["port", "strike"], minutes_ago=500)
    make_article(business, "One tag, older", tags=["strike"], minutes_ago=100)
    assert titles(read_more(story)) == ["Two tags, oldest", "One tag, newer", "One tag, older"]


def test_read_more_fills_from_the_same_section_newest_first(news, business):
    story = make_article(news, "Cranes fall silent", minutes_ago=1)
    make_article(news, "Older news", minutes_ago=120)
    make_article(news, "Newer news", minutes_ago=30)
    make_article(business, "Other section", minutes_ago=10)
    assert titles(read_more(story)) == ["Newer news", "Older news"]


def test_read_more_never_lists_the_article_itself(news):
    story = make_article(news, "Cranes fall silent", tags=["port"], minutes_ago=1)
    make_article(news, "Dock talks", tags=["port"])
    assert story.pk not in [article["pk"] for article in read_more(story)]
    assert titles(read_more(story)) == ["Dock talks"]


def test_read_more_lists_a_story_once_even_when_it_shares_tags_and_section(news):
    story = make_article(news, "Cranes fall silent", tags=["port", "strike"])
    make_article(news, "Dock talks", tags=["port", "strike"])
    assert titles(read_more(story)) == ["Dock talks"]


def test_read_more_stops_at_four(news):
    story = make_article(news, "Cranes fall silent", tags=["port"], minutes_ago=1)
    for n in range(6):
        make_article(news, f"Port story {n}", tags=["port"], minutes_ago=10 + n)
    assert titles(read_more(story)) == [f"Port story {n}" for n in range(4)]


def test_read_more_leaves_out_drafts_and_scheduled_stories(news):
    story = make_article(news, "Cranes fall silent", tags=["port"])
    make_article(news, "Draft about the port", tags=["port"], live=False)
    make_article(news, "Scheduled about the port", tags=["port"], go_live_at=timezone.now() + timedelta(days=1))
    make_article(news, "Published about the port", tags=["port"])
    assert titles(read_more(story)) == ["Published about the port"]


def test_read_more_is_empty_for_a_lone_story_and_the_page_shows_no_heading(client, news):
    story = make_article(news, "Cranes fall silent", tags=["port"])
    assert read_more(story) == []
    assert soup(client.get(story.url)).find(class_="read-more") is None


def test_article_page_shows_read_more_as_linked_teasers_after_the_article(client, news):
    story = make_article(news, "Cranes fall silent", tags=["port"], minutes_ago=1)
    related = make_article(news, "Dock talks resume", tags=["port"], standfirst="Unions and owners meet.")
    page = soup(client.get(story.url))
    section = page.find("section", class_="read-more")
    assert section.find("h2").get_text() == "Read more"
    assert section.find_previous("article", class_="article") is not None  # it follows the story
    teaser_links = [(a.get_text(), a["href"]) for a in section.select(".teaser-headline a")]
    assert teaser_links == [("Dock talks resume", related.url)]
    assert "Unions and owners meet." in section.get_text()


def test_read_more_follows_tags_changed_in_an_unsaved_preview(news):
    """The admin's preview renders a page built from the edit form, its tags held in memory."""
    story = make_article(news, "Cranes fall silent", tags=["port"], minutes_ago=1)
    make_article(news, "Strike ballot", tags=["strike"], minutes_ago=50)
    make_article(news, "Port fees", tags=["port"], minutes_ago=10)
    story.tags.set(["strike"])  # edited, not saved
    assert titles(read_more(story)) == ["Strike ballot", "Port fees"]


def test_read_more_while_publishing_agrees_with_read_more_for_one_reader(news, business):
    """Publishing works Read more out for thousands of stories at once, in memory; it must give each
    story the same four as the database query a single reader's page uses, ties included."""
    import random

    from samizdat.publishing.batch_cache import batch
    from samizdat.news.models import ArticlePage
    from samizdat.news.related import read_more_ids, read_more_ids_of
    from samizdat.news.story_index import story_index

    rng = random.Random(11)
    tags = ["port", "jobs", "ferry", "rent", "court", "school", "tram"]
    for n in range(30):
        make_article(rng.choice([news, business]), f"Story {n}", tags=rng.sample(tags, rng.randint(0, 3)),
                     minutes_ago=rng.choice([10, 20, 20, 30, 40]))
    make_article(news, "Draft", tags=["port"], live=False)
    stories = list(ArticlePage.objects.live())
    # Outside a batch: on the stories near each one, read for it alone.
    nearby = {story.pk: read_more_ids(story) for story in stories}
    with batch():  # the batch's story index
        for story in stories:
            assert read_more_ids_of(story.pk) == nearby[story.pk], story.title
    with batch():  # one batch: once its story index is read, Read more comes from it
        story_index()
        for story in stories:
            assert [a["pk"] for a in read_more(story)] == nearby[story.pk], story.title


def test_a_storys_read_more_is_found_by_its_address_also_with_an_odd_slug(news):
    """The publisher refreshes a Read more alone only if it finds the story by its published
    address, which for a Cyrillic slug is percent-encoded."""
    from django.test import RequestFactory

    from samizdat.publishing.batch_cache import batch
    from samizdat.news.listing import public_path
    from samizdat.news.related import ReadMorePart

    make_article(news, "Harbour cranes fall silent", tags=["port"], minutes_ago=30)
    story = make_article(news, "Новости порта", slug="новости-порта", tags=["port"], minutes_ago=10)
    address = public_path(story)
    assert "%D0%BD" in address
    request = RequestFactory().get(address, HTTP_HOST="127.0.0.1:8000")
    with batch():
        part = ReadMorePart().render(request, address)
    assert part is not None and "Harbour cranes fall silent" in part

