"""What an editor's click does to the published files: the story, and every page that shows it."""

import pytest
from bs4 import BeautifulSoup
from wagtail import hooks

from samizdat.news.models import ArticlePage
from samizdat.publishing.models import PublishedSource, PublishingProblem
from samizdat.publishing.publish import publish_urls
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db


def headlines(html):
    return [a.get_text(strip=True) for a in BeautifulSoup(html, "html.parser").select(".teaser-headline a")]


def read_more(html):
    section = BeautifulSoup(html, "html.parser").find(attrs={"aria-labelledby": "read-more-heading"}) or \
        BeautifulSoup(html, "html.parser").find("section", class_="read-more")
    return [a.get_text(strip=True) for a in section.select(".teaser-headline a")] if section else []


@pytest.fixture
def newsroom(public):
    news, business = make_section("News"), make_section("Business")
    irina = make_author("Irina Volkova")
    older = make_article(news, "Port strike enters its second week", tags=["port"], authors=[irina], minutes_ago=300)
    return {"news": news, "business": business, "irina": irina, "older": older}


def test_publishing_an_article_writes_it_and_every_page_that_lists_it(newsroom, public):
    article = make_article(
        newsroom["news"], "Harbour cranes fall silent", tags=["port", "jobs"], authors=[newsroom["irina"]]
    )
    assert "Harbour cranes fall silent</h1>" in public.text(article.url)
    assert headlines(public.text("/"))[0] == "Harbour cranes fall silent"
    assert headlines(public.text("/news/"))[0] == "Harbour cranes fall silent"
    assert "Harbour cranes fall silent" in headlines(public.text("/tags/port/"))
    assert "Harbour cranes fall silent" in headlines(public.text("/tags/jobs/"))
    assert "Harbour cranes fall silent" in headlines(public.text("/authors/irina-volkova/"))
    for feed in ("/rss.xml", "/atom.xml", "/news/rss.xml", "/tags/jobs/atom.xml", "/authors/irina-volkova/rss.xml"):
        assert "Harbour cranes fall silent" in public.text(feed), feed
    assert article.url in public.text("/sitemap-articles.xml")
    assert article.url in public.text("/news-sitemap.xml")
    # The older story sharing a tag now shows it under Read more.
    assert "Harbour cranes fall silent" in read_more(public.text(newsroom["older"].url))


def test_an_edited_headline_replaces_the_old_one_everywhere(newsroom, public):
    article = newsroom["older"]
    article.title = "Port strike ends after eight days"
    article.save_revision().publish()
    for url in (article.url, "/", "/news/", "/tags/port/", "/authors/irina-volkova/", "/rss.xml"):
        text = public.text(url)
        assert "Port strike ends after eight days" in text, url
        assert ">Port strike enters its second week<" not in text, url


def test_unpublishing_removes_the_story_and_takes_it_off_every_listing(newsroom, public):
    article = make_article(newsroom["news"], "Harbour cranes fall silent", tags=["port"], authors=[newsroom["irina"]])
    assert public.has(article.url)
    article.unpublish()
    assert not public.has(article.url)
    for url in ("/", "/news/", "/tags/port/", "/authors/irina-volkova/", "/rss.xml", "/sitemap-articles.xml"):
        assert "Harbour cranes fall silent" not in public.text(url) and article.url not in public.text(url), url
    assert "Harbour cranes fall silent" not in read_more(public.text(newsroom["older"].url))
    assert not PublishedSource.objects.filter(key=f"wagtailcore.page:{article.pk}").exists()


def test_a_tag_taken_off_a_story_takes_the_story_off_that_tags_page(newsroom, public):
    article = make_article(newsroom["news"], "Harbour cranes fall silent", tags=["port", "jobs"])
    article.tags.set(["port"])
    article.save_revision().publish()
    assert not public.has("/tags/jobs/")  # no story carries the tag any more: its page is gone
    assert not public.has("/tags/jobs/rss.xml")
    assert "Harbour cranes fall silent" in public.text("/tags/port/")


def test_deleting_a_story_removes_its_file_once_the_deletion_is_committed(
    newsroom, public, django_capture_on_commit_callbacks
):
    article = make_article(newsroom["news"], "Harbour cranes fall silent", tags=["port"])
    url = article.url
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert not public.has(url)
    assert "Harbour cranes fall silent" not in public.text("/news/")
    assert "Harbour cranes fall silent" not in read_more(public.text(newsroom["older"].url))


def test_moving_a_story_to_another_section_moves_its_file(newsroom, public):
    article = make_article(newsroom["news"], "Harbour cranes fall silent", tags=["port"])
    old_url = article.url
    article.move(newsroom["business"], pos="last-child")
    article.refresh_from_db()
    assert article.url == "/business/harbour-cranes-fall-silent/"
    assert not public.has(old_url)
    assert public.has(article.url)
    assert "Harbour cranes fall silent" in headlines(public.text("/business/"))
    assert "Harbour cranes fall silent" not in headlines(public.text("/news/"))


def test_renaming_an_author_updates_their_page_and_the_bylines_that_show_them(newsroom, public):
    irina = newsroom["irina"]
    irina.name = "Irina Volkova-Lind"
    irina.save()
    assert "Irina Volkova-Lind" in public.text("/authors/irina-volkova/")
    assert "Irina Volkova-Lind" in public.text(newsroom["older"].url)
    assert "Irina Volkova-Lind" in public.text("/news/")


def test_an_agency_renamed_changes_its_credit_line_on_its_stories_and_in_the_feeds(newsroom, public):
    from samizdat.news.models import Agency

    wire = Agency.objects.create(name="Baltic Wire")
    story = make_article(newsroom["news"], "Ferry timetable", agency=wire)
    assert "Baltic Wire contributed reporting" in public.text("/rss.xml")
    wire.name = "Nordic Wire"
    wire.save()
    for url in (story.url, "/rss.xml", "/news/atom.xml"):
        assert "Nordic Wire contributed reporting" in public.text(url), url
        assert "Baltic Wire" not in public.text(url), url


def test_a_page_that_fails_to_render_keeps_its_previous_file_and_the_problem_is_recorded(
    newsroom, public, monkeypatch
):
    article = newsroom["older"]
    before = public.text(article.url)

    def broken(*args, **kwargs):
        raise RuntimeError("the template fell over")

    monkeypatch.setattr(type(article), "get_context", broken)
    report = publish_urls([article.url, "/news/"])
    assert report.failed == [article.url]
    assert public.text(article.url) == before
    problem = PublishingProblem.objects.get(url=article.url)
    assert "500" in problem.message or "fell over" in problem.message
    monkeypatch.undo()
    publish_urls([article.url])
    assert not PublishingProblem.objects.exists()


def test_an_address_that_would_leave_the_folder_is_refused_and_writes_nothing(public, tmp_path):
    report = publish_urls(["/../escaped/", "/news/%2e%2e/%2e%2e/escaped/"])
    assert len(report.failed) == 2
    assert not list(tmp_path.rglob("escaped*"))
    assert PublishingProblem.objects.count() == 2


def test_nothing_is_published_when_publishing_is_switched_off(settings, public):
    settings.PUBLISHING_ENABLED = False
    make_article(make_section("News"), "Harbour cranes fall silent")
    assert not public.path.exists() or not public.files()


def test_a_new_story_rewrites_the_front_and_newest_archive_pages_not_the_old_ones(newsroom, public, settings):
    settings.NEWS_PAGE_SIZE = 2
    news = newsroom["news"]
    for n in range(6):
        make_article(news, f"Archive story {n}", minutes_ago=200 - n)
    oldest_page = public.file("/news/page/1/")
    before = oldest_page.stat().st_mtime_ns, oldest_page.read_text()
    article = make_article(news, "Harbour cranes fall silent", minutes_ago=1)
    assert (oldest_page.stat().st_mtime_ns, oldest_page.read_text()) == before
    assert headlines(public.text("/news/"))[0] == "Harbour cranes fall silent"
    newest = max(int(p.parent.name) for p in public.path.resolve().glob("news/page/*/index.html"))
    assert "Harbour cranes fall silent" in headlines(public.text(f"/news/page/{newest}/"))
    # Taking an old story down shifts every later archive page: all of them are rewritten.
    ArticlePage.objects.get(title="Archive story 0").unpublish()
    pages = sorted(public.path.resolve().glob("news/page/*/index.html"))
    shown = [title for page in pages for title in headlines(page.read_text())]
    assert "Archive story 0" not in shown
    assert shown.count("Archive story 1") == 1 and "Harbour cranes fall silent" in shown
    assert article.url in public.text("/sitemap-articles.xml")


def test_archive_pages_stay_right_as_stories_come_change_and_go(newsroom, public, settings):
    """A change rewrites only the archive pages it can change; after each one, every archive page
    in the output is exactly what Django renders now, and no page is left over."""
    from samizdat.news.listing import published_articles
    from samizdat.news.public_urls import every_listing_url
    from samizdat.publishing.render import Renderer

    settings.NEWS_PAGE_SIZE = 2
    news = newsroom["news"]
    listings = {"/": published_articles, "/news/": lambda: published_articles().child_of(news),
                "/tags/ferry/": lambda: published_articles().filter(tagged_items__tag__name="ferry")}

    def wrong_pages():
        renderer = Renderer()
        expected = {url for path, stories in listings.items() for url in every_listing_url(path, stories().count())
                    if "/page/" in url}
        root = public.path.resolve()
        found = {"/" + page.relative_to(root).parent.as_posix() + "/"
                 for path in listings for page in root.glob(f"{path[1:]}page/*/index.html")}
        stale = [url for url in expected if not public.file(url).exists()
                 or public.file(url).read_bytes() != renderer.render(url).content]
        return sorted(stale + list(found - expected))

    stories = []
    for n in range(5):  # a new page every second story
        stories.append(make_article(news, f"Archive story {n}", minutes_ago=100 - n))
        assert wrong_pages() == [], n
        edited = ArticlePage.objects.get(pk=stories[-1].pk)
        edited.title = f"Archive story {n}, edited"
        edited.save_revision().publish()
        assert wrong_pages() == [], n
    ArticlePage.objects.get(pk=stories[-1].pk).unpublish()  # the newest page goes again
    assert wrong_pages() == []
    ArticlePage.objects.get(pk=stories[0].pk).unpublish()  # an old one: every later page shifts
    assert wrong_pages() == []
    # A story leaves a listing (a tag taken off) alone on its page, which goes: the page before
    # must say so, though it was not changed when the story was last published.
    ferries = [make_article(news, f"Ferry story {n}", tags=["ferry"], minutes_ago=90 - n) for n in range(4)]
    ArticlePage.objects.get(pk=ferries[2].pk).unpublish()
    newest = ArticlePage.objects.get(pk=ferries[3].pk)
    newest.tags.set([])
    newest.save_revision().publish()
    assert wrong_pages() == []


def test_a_starting_worker_renders_the_latest_change_once_and_writes_nothing(newsroom, public, settings, monkeypatch):
    """So the first change after a restart is not the slow one: the worker loads what publishing
    needs by rendering where the latest published story is shown, without touching the output."""
    from samizdat.core.management.commands import worker
    from samizdat.publishing.render import Renderer

    story = make_article(newsroom["news"], "Harbour cranes fall silent", tags=["port"])
    files = {path: path.read_bytes() for path in public.path.resolve().rglob("*") if path.is_file()}
    rendered = []
    monkeypatch.setattr(Renderer, "render", lambda self, url, render=Renderer.render: rendered.append(url) or render(self, url))
    worker.warm_up()
    assert rendered[:2] == [story.url, "/"] and "/news/" in rendered and len(rendered) <= 12
    assert {path: path.read_bytes() for path in public.path.resolve().rglob("*") if path.is_file()} == files
    def broken():
        raise RuntimeError("a warm-up that fails")

    rendered.clear()
    with hooks.register_temporarily("samizdat_worker_started", broken, order=-1):
        worker.warm_up()  # one that fails is logged; the next still runs
    assert story.url in rendered


def test_an_editors_change_is_published_before_the_search_index_is_updated(newsroom, settings):
    """Both are queued by the same click; the worker takes the page to readers first."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    story = ArticlePage.objects.get(pk=newsroom["older"].pk)
    story.title = "Ferry fares rise again"
    story.save_revision().publish()
    queued = [result.task_path.rsplit(".", 1)[-1] for result in DBTaskResult.objects.ready()]
    assert queued[0] == "publish_change_task"
    assert any("index" in path for path in queued[1:])  # the search index waits its turn


def test_staff_see_publishing_problems_in_the_admin(client, admin_user, public):
    publish_urls(["/../escaped/"])
    client.force_login(admin_user)
    listing = client.get("/admin/publishing_problems/")
    assert listing.status_code == 200
    assert "/../escaped/" in listing.content.decode()
    assert "/admin/publishing_problems/" in client.get("/admin/").content.decode()  # in the menu


def test_the_stories_listing_an_article_under_read_more_are_found_exactly(public, settings):
    """The publisher's shortcut for "whose Read more shows this story" agrees with Read more itself,
    for every story of a newsroom with overlapping tags, two sections and equal times."""
    import random

    from samizdat.news.related import articles_whose_read_more_lists
    from samizdat.news.related import read_more_ids

    settings.PUBLISHING_ENABLED = False
    rng = random.Random(7)
    sections = [make_section("News"), make_section("Business")]
    tags = ["port", "jobs", "ferry", "rent", "court", "school"]
    stories = [
        make_article(rng.choice(sections), f"Story {n}", tags=rng.sample(tags, rng.randint(0, 3)),
                     minutes_ago=rng.choice([10, 20, 20, 30, 40, 50, 60]) + n % 3)
        for n in range(24)
    ]
    stories[5].unpublish()  # asked about as if it were live
    for story in stories:
        story = ArticlePage.objects.get(pk=story.pk)
        expected = {
            other.pk for other in ArticlePage.objects.live().exclude(pk=story.pk)
            if story.pk in read_more_ids(other, as_if_live=story)
        }
        assert {other.pk for other in articles_whose_read_more_lists(story)} == expected, story.title


def test_read_more_refreshed_alone_gives_the_same_file_as_rendering_the_whole_page(newsroom, public):
    """Stories that only show an edited story in their Read more get that part re-rendered and
    spliced in; the file must be exactly what rendering the whole page gives."""
    from samizdat.publishing.output import current_root
    from samizdat.publishing.render import Renderer
    from samizdat.publishing.sources import PartOfPage, listing_urls

    older = newsroom["older"]
    article = make_article(newsroom["news"], "Harbour cranes fall silent", tags=["port"])
    article.title = "Harbour cranes fall silent again"
    article.save_revision().publish()
    assert [url for url in listing_urls(article) if older.url in url] == [PartOfPage(older.url, "read-more")]
    spliced = public.file(older.url).read_bytes()
    assert read_more(spliced.decode())[0] == "Harbour cranes fall silent again"
    assert spliced == Renderer().render(older.url).content
    # Only that part is rendered: the rest of the file is left as it was.
    public.file(older.url).write_bytes(spliced.replace(b'class="headline"', b'class="headline" data-kept'))
    article.title = "Harbour cranes fall silent for good"
    article.save_revision().publish()
    assert b"data-kept" in public.file(older.url).read_bytes()
    assert read_more(public.text(older.url))[0] == "Harbour cranes fall silent for good"
    # A file without the markers (published by an older samizdat) is rendered whole.
    public.file(older.url).write_bytes(b"<p>old</p>")
    publish_urls(listing_urls(article), root=current_root())
    assert public.file(older.url).read_bytes() == Renderer().render(older.url).content


def test_a_new_story_rewrites_only_the_newest_page_of_the_articles_sitemap(newsroom, public, monkeypatch):
    from samizdat.news.public_urls import article_listed_on
    from samizdat.news.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    stories = [make_article(newsroom["news"], f"Story {n}", minutes_ago=200 - n) for n in range(4)]
    newest = make_article(newsroom["news"], "Harbour cranes fall silent", minutes_ago=1)
    listed = article_listed_on(newest)
    assert "/sitemap-articles-3.xml" in listed  # stories 1-2 of 6 on page 1, 3-4 on 2, 5-6 on 3
    assert "/sitemap-articles.xml" not in listed and "/sitemap-articles-2.xml" not in listed
    assert newest.url in public.text("/sitemap-articles-3.xml")
    # Taking down an older story shifts the pages after it: all of those are rewritten.
    assert {"/sitemap-articles-2.xml", "/sitemap-articles-3.xml"} <= set(article_listed_on(stories[2]))
    stories[1].unpublish()
    assert stories[1].url not in public.text("/sitemap-articles.xml")
    assert newest.url in public.text("/sitemap-articles-3.xml") or newest.url in public.text("/sitemap-articles-2.xml")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("a_process_dies", [False, True])
def test_a_change_touching_many_pages_is_shared_among_processes(public, settings, monkeypatch, a_process_dies):
    """The worker renders the rest of a big change in several processes; the files are the same as
    one process would write, and a process that dies leaves its pages to the worker itself."""
    import os

    from samizdat.publishing import changes, publish
    from samizdat.publishing.rebuild import rebuild_site
    from samizdat.publishing.sources import address, key_of, urls_of

    settings.PUBLISHING_ENABLED = False  # set up quietly, then publish by hand
    news = make_section("News")
    stories = [make_article(news, f"Harbour story {n}", tags=["port"], minutes_ago=n + 1) for n in range(30)]
    rebuild_site(processes=1)
    settings.PUBLISH_PROCESSES = 2
    monkeypatch.setattr(changes, "PARALLEL_FROM", 5)
    shared = []
    monkeypatch.setattr(changes, "publish_urls_in_processes", lambda urls, n, original=publish.publish_urls_in_processes, **more: shared.append(n) or original(urls, n, **more))
    if a_process_dies:
        monkeypatch.setattr(publish, "_publish_part", lambda *args: os._exit(1))
    edited = stories[0]
    edited.title = "Harbour story, updated"
    edited.save_revision().publish()
    report = changes.publish_change(key_of(edited))
    assert shared == [2] and not report.failed
    readers = [story for story in stories[1:] if "Harbour story, updated" in read_more(public.text(story.url))]
    assert len(readers) >= 4
    for url in ("/", "/news/", "/tags/port/", "/rss.xml", "/tags/port/atom.xml"):
        assert "Harbour story, updated" in public.text(url), url
    # Exactly what rendering in one process gives.
    parallel = {address(url): public.file(address(url)).read_bytes() for url in urls_of(edited)}
    settings.PUBLISH_PROCESSES = 1
    publish.publish_urls(urls_of(edited))
    assert {address(url): public.file(address(url)).read_bytes() for url in urls_of(edited)} == parallel


def test_a_story_made_private_leaves_the_published_site(newsroom, public):
    """A password on a story (Wagtail's privacy setting) takes its file away, also while the
    publisher renders a batch of pages, and its listings no longer show it."""
    from wagtail.models import PageViewRestriction

    from samizdat.publishing.changes import publish_change
    from samizdat.publishing.sources import key_of

    story = make_article(newsroom["news"], "Board minutes in full", tags=["port"])
    assert public.has(story.url) and "Board minutes in full" in public.text("/news/")
    restriction = PageViewRestriction.objects.create(page=story, restriction_type=PageViewRestriction.PASSWORD, password="s3cret")
    assert not public.has(story.url)  # the privacy setting alone republishes
    assert "Board minutes in full" not in public.text("/news/")
    assert "Board minutes in full" not in read_more(public.text(newsroom["older"].url))
    publish_urls([story.url, newsroom["older"].url])  # in a batch too
    publish_change(key_of(story))
    assert not public.has(story.url)
    restriction.delete()
    assert "Board minutes in full</h1>" in public.text(story.url)
    assert "Board minutes in full" in public.text("/news/")


def test_a_picture_edited_after_publication_reaches_the_pages_that_show_it(newsroom, public, settings):
    """A new title (the picture's alt text when the story has no caption) and a moved focal point
    (the crops in teasers) reach the story and its listings; every picture they name exists."""
    import re
    from pathlib import Path

    from tests.factories import make_image

    def pictures(html):
        return re.findall(r'src="(/media/[^"]+)"', html)

    picture = make_image("Cranes at dusk")
    story = make_article(newsroom["news"], "Harbour cranes fall silent", tags=["port"], image=picture)
    assert 'alt="Cranes at dusk"' in public.text(story.url)
    before = pictures(public.text("/news/"))
    assert before
    picture.title = "Cranes at dusk, seen from the ferry"
    picture.focal_point_x, picture.focal_point_y, picture.focal_point_width, picture.focal_point_height = 1400, 200, 200, 200
    picture.save()
    assert 'alt="Cranes at dusk, seen from the ferry"' in public.text(story.url)
    after = pictures(public.text("/news/"))
    assert after and after != before
    for html in (public.text("/news/"), public.text("/tags/port/"), public.text(story.url)):
        for src in pictures(html):
            assert (Path(settings.MEDIA_ROOT) / src.removeprefix("/media/")).exists(), src


def test_a_picture_inside_a_story_replaced_after_publication_reaches_the_story(newsroom, public):
    """A picture in a story's text, not its lead: a new file (whose renditions replace the old
    ones) reaches the story's page, found through Wagtail's reference index."""
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage

    from tests.factories import make_image

    picture = make_image("Cranes at dusk")
    block = {"image": picture, "alt": "Idle cranes", "caption": "Pier 4.", "credit": "Marta Lenz"}
    story = make_article(newsroom["news"], "Harbour cranes fall silent", body=[("image", block)])
    assert "Cranes_at_dusk" in public.text(story.url)  # renditions are named after the file
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (200, 90, 40)).save(buffer, "JPEG")
    picture.renditions.all().delete()  # as Wagtail's edit form does for a new file
    picture.file = ImageFile(buffer, name="Night harbour.jpg")
    picture.save()
    page = public.text(story.url)
    assert "Night_harbour" in page and "Cranes_at_dusk" not in page


def test_a_whole_section_made_private_leaves_the_published_site_in_one_rebuild(newsroom, public, monkeypatch):
    from wagtail.models import PageViewRestriction

    from samizdat.publishing import signals

    monkeypatch.setattr(signals, "PRIVACY_REBUILD_FROM", 2)  # so three pages are "many"
    stories = [make_article(newsroom["business"], f"Quarterly figures {n}") for n in range(3)]
    assert all(public.has(story.url) for story in stories) and public.has("/business/")
    PageViewRestriction.objects.create(page=newsroom["business"], restriction_type=PageViewRestriction.LOGIN)
    assert not public.has("/business/")
    assert not any(public.has(story.url) for story in stories)
    assert "Quarterly figures" not in public.text("/")
    assert public.has(newsroom["older"].url)  # the rest of the site is still there
