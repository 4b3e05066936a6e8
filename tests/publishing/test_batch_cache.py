"""The publisher's batch memo, Django's cache alias "batch": what the pages of one batch share is
worked out once, and nothing outlives the batch, so a page Django serves is always fresh."""

from django.core.cache import caches

from samizdat.publishing.batch_cache import batch
from tests.factories import make_section


def test_outside_a_batch_nothing_is_kept_so_every_answer_is_fresh():
    answers = iter(["News", "World"])
    cache = caches["batch"]
    assert cache.get_or_set("section-title", lambda: next(answers)) == "News"
    assert cache.get_or_set("section-title", lambda: next(answers)) == "World"
    assert "section-title" not in cache and cache.get_many(["section-title"]) == {}


def test_a_batch_works_each_answer_out_once_and_forgets_it_when_it_ends():
    answers = iter(["News", "World", "Sport"])
    cache = caches["batch"]
    with batch():
        assert cache.get_or_set(("section", 3), lambda: next(answers)) == "News"
        with batch():  # a batch inside another shares its memo
            assert cache.get_or_set(("section", 3), lambda: next(answers)) == "News"
        assert ("section", 3) in cache
        cache.set_many({("teaser", 1): None})
        assert cache.get_many([("teaser", 1), ("teaser", 2)]) == {("teaser", 1): None}
    with batch():
        assert cache.get_or_set(("section", 3), lambda: next(answers)) == "World"


def test_a_section_renamed_shows_at_once_on_the_page_django_serves(db, client):
    """The menu's sections are read once per publishing batch; a reader served by Django sees the
    new name with no batch to wait for."""
    news = make_section("News")
    assert "News" in client.get("/news/").content.decode()
    news.title = "World"
    news.save_revision().publish()
    assert "World" in client.get("/news/").content.decode()
