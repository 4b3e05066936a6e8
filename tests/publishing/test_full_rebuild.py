"""`samizdat publish --all`: the whole site into a new build, swapped in whole."""

import hashlib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samizdat.publishing import rebuild
from samizdat.publishing.rebuild import rebuild_site
from tests.factories import make_article, make_author, make_section
from tests.news.conftest import built_once, shared_media  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker, shared_media):
    """Built once for the module, quietly (publishing off); each test publishes it with `public`."""
    with built_once(django_db_blocker, shared_media):
        news, opinion = make_section("News"), make_section("Opinion")
        irina = make_author("Irina Volkova")
        for n in range(25):
            make_article(news if n % 2 else opinion, f"Story number {n}", tags=["port"] if n % 3 else ["jobs"],
                         authors=[irina], minutes_ago=10 * n + 5)
        yield


def fingerprint(folder):
    return {
        str(path.relative_to(folder.resolve())): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.resolve().rglob("*")
        if path.is_file()
    }


def test_a_rebuild_publishes_every_page_listing_feed_and_sitemap(newsroom, public):
    report = rebuild_site()
    assert not report.failed
    files = public.files()
    for expected in [
        "index.html", "page/2/index.html", "news/index.html", "opinion/index.html", "news/rss.xml",
        "news/story-number-1/index.html", "opinion/story-number-24/index.html", "tags/port/index.html",
        "tags/jobs/atom.xml", "authors/irina-volkova/index.html", "authors/irina-volkova/page/2/index.html",
        "rss.xml", "atom.xml", "sitemap.xml", "sitemap-articles.xml", "news-sitemap.xml", "robots.txt",
    ]:
        assert expected in files, expected
    assert "page/3/index.html" not in files  # 25 stories at 20 a page: two pages


def test_two_rebuilds_give_identical_files(newsroom, public):
    rebuild_site()
    first = fingerprint(public.path)
    rebuild_site()
    assert fingerprint(public.path) == first


def test_fetching_a_batchs_stories_at_once_changes_no_file(newsroom, public, monkeypatch):
    """The samizdat_before_rendering hooks only save queries: without them, every page comes out the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as prepared:
        rebuild_site(processes=1)
    with_prepare = fingerprint(public.path)
    monkeypatch.setattr("samizdat.publishing.publish.before_rendering", lambda request, urls: None)
    with CaptureQueriesContext(connection) as unprepared:
        rebuild_site(processes=1)
    assert fingerprint(public.path) == with_prepare
    assert len(prepared) < len(unprepared) - 25 * 3  # a route, bylines and tags per story, at least


def test_a_crash_mid_rebuild_leaves_the_old_site_serving(newsroom, public, monkeypatch):
    rebuild_site()
    before = fingerprint(public.path)
    old_build = public.path.resolve()
    builds = sorted(old_build.parent.iterdir())

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("the machine went down")

    monkeypatch.setattr(rebuild, "publish_urls", crash)
    with pytest.raises(KeyboardInterrupt):
        rebuild_site()
    assert public.path.resolve() == old_build
    assert fingerprint(public.path) == before
    assert sorted(old_build.parent.iterdir()) == builds  # the half-built folder is gone


def test_publish_command_rebuilds_and_reports_pages(newsroom, public):
    out, err = StringIO(), StringIO()
    call_command("publish", "--all", stdout=out, stderr=err)
    assert "0 failed" in out.getvalue()
    assert "Publishing [" in err.getvalue()  # the progress bar
    assert public.has("/news/story-number-1/")


def test_publish_command_renders_single_addresses_and_refuses_nonsense(newsroom, public):
    call_command("publish", "/news/", "/rss.xml", "--no-progress", stdout=StringIO())
    assert public.has("/news/") and public.has("/rss.xml") and not public.has("/opinion/")
    with pytest.raises(CommandError):
        call_command("publish", stdout=StringIO())
    with pytest.raises(SystemExit):
        call_command("publish", "/../../etc/", "--no-progress", stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rebuild_renders_in_parallel_processes(public, settings):
    settings.PUBLISHING_ENABLED = False
    news = make_section("News")
    for n in range(45):
        make_article(news, f"Parallel story {n}", minutes_ago=n + 1)
    report = rebuild_site(processes=2)
    assert not report.failed
    assert all(public.has(f"/news/parallel-story-{n}/") for n in range(45))


def test_a_rebuild_collects_the_static_files_first_on_a_new_install(newsroom, public, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"  # never collected: no manifest of hashed names yet
    out = StringIO()
    call_command("publish", "--all", "--no-progress", stdout=out, stderr=StringIO())
    assert "0 failed" in out.getvalue()
    assert (tmp_path / "static/staticfiles.json").exists()
    assert re.search(r'href="/static/core/site\.[0-9a-f]{12}\.css"', public.text("/news/"))
