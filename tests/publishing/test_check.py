"""`samizdat publish --check`: files that differ from what the database says are found and republished."""

import os
import time
from io import StringIO

import pytest
from django.core.management import call_command

from samizdat.core.management.commands.worker import run_periodic_commands
from samizdat.publishing.check import last_checked_file
from samizdat.publishing.rebuild import rebuild_site
from tests.factories import make_article, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


def test_check_republishes_a_changed_a_deleted_and_a_stray_file_and_nothing_else(public, settings):
    settings.PUBLISHING_ENABLED = False
    news = make_section("News")
    story = make_article(news, "Harbour cranes fall silent", minutes_ago=5)
    rebuild_site(processes=1)
    good = public.text("/news/")
    public.file("/news/").write_text("defaced", encoding="utf-8")
    public.file(story.url).unlink()
    stray = public.path.resolve() / "news/long-gone-story/index.html"
    stray.parent.mkdir()
    stray.write_text("a story taken down long ago", encoding="utf-8")

    out = StringIO()
    call_command("publish", "--check", "--no-progress", stdout=out, stderr=StringIO())
    assert public.text("/news/") == good
    assert "Harbour cranes fall silent</h1>" in public.text(story.url)
    assert not stray.exists()
    assert "3 files differed" in out.getvalue()

    out = StringIO()
    call_command("publish", "--check", "--no-progress", stdout=out, stderr=StringIO())
    assert "0 files differed" in out.getvalue()


def test_check_leaves_a_hidden_folder_in_the_build_alone(public, settings):
    """A certbot webroot pointed at var/public writes `.well-known/acme-challenge/<token>` into the
    build: not ours, so `--check` neither crashes on it nor removes it, and says nothing about it."""
    settings.PUBLISHING_ENABLED = False
    news = make_section("News")
    make_article(news, "Harbour cranes fall silent", minutes_ago=5)
    rebuild_site(processes=1)
    token = public.path.resolve() / ".well-known/acme-challenge/token"
    token.parent.mkdir(parents=True)
    token.write_text("token.thumbprint", encoding="utf-8")

    out, err = StringIO(), StringIO()
    call_command("publish", "--check", "--no-progress", stdout=out, stderr=err)
    assert token.read_text(encoding="utf-8") == "token.thumbprint"
    assert "0 files differed" in out.getvalue()
    assert ".well-known" not in out.getvalue() + err.getvalue()


def test_the_worker_runs_the_full_check_by_itself_once_a_day(public, settings):
    """What the publisher can't see go wrong (a file changed by hand) is put right without anyone
    running `--check`: the worker's minutely pass queues it every PUBLISH_CHECK_EVERY."""
    settings.PUBLISHING_ENABLED = False
    settings.PUBLISH_CHECK_EVERY = 24 * 3600
    make_article(make_section("News"), "Harbour cranes fall silent", minutes_ago=5)
    rebuild_site(processes=1)
    good = public.text("/news/")
    run_periodic_commands()  # the first pass starts the count: the site was just published whole
    public.file("/news/").write_text("defaced", encoding="utf-8")
    run_periodic_commands()
    assert public.text("/news/") == "defaced"  # not due yet: a check costs a rebuild's CPU time
    a_day_ago = time.time() - 24 * 3600 - 1
    os.utime(last_checked_file(), (a_day_ago, a_day_ago))
    run_periodic_commands()
    assert public.text("/news/") == good
    public.file("/news/").write_text("defaced again", encoding="utf-8")
    run_periodic_commands()
    assert public.text("/news/") == "defaced again"  # once a day, not every minute
