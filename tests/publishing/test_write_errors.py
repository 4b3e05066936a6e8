"""A folder the publisher may not write: the pages stay as they were, the newsroom is told in the
admin, and once the fault is fixed the site catches up by itself."""

import ctypes
import os
from contextlib import contextmanager

import pytest

from samizdat.core.management.commands.worker import run_periodic_commands
from samizdat.publishing import output
from samizdat.publishing.models import PublishingProblem
from tests.factories import make_article, make_author, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]

CAP_DAC_OVERRIDE = 1


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


@contextmanager
def without_root_override():
    """Root writes into any folder whatever its permissions; a worker running as root would not
    meet the fault. This thread gives up that privilege (CAP_DAC_OVERRIDE) for the block, so the
    kernel refuses the write exactly as it refuses the newsroom's unprivileged worker."""
    if os.geteuid() != 0:
        yield
        return
    libc = ctypes.CDLL(None, use_errno=True)
    header, data = _CapHeader(0x20080522, 0), (_CapData * 2)()  # _LINUX_CAPABILITY_VERSION_3
    assert libc.capget(ctypes.byref(header), data) == 0
    saved = data[0].effective
    data[0].effective = saved & ~(1 << CAP_DAC_OVERRIDE)
    assert libc.capset(ctypes.byref(header), data) == 0
    try:
        yield
    finally:
        data[0].effective = saved
        assert libc.capset(ctypes.byref(header), data) == 0


@contextmanager
def unwritable(folder):
    mode = folder.stat().st_mode
    folder.chmod(0o555)
    try:
        with without_root_override():
            yield
    finally:
        folder.chmod(mode)


@pytest.fixture
def newsroom(public, settings):
    settings.PUBLISH_RETRY_SECONDS = 0  # the retry is due at the worker's next pass
    news = make_section("News")
    irina = make_author("Irina Volkova")
    make_article(news, "Harbour cranes fall silent", tags=["port"], authors=[irina], minutes_ago=60)
    return make_article(news, "Port strike enters its second week", tags=["port"], authors=[irina], minutes_ago=30)


def test_an_unwritable_folder_keeps_its_pages_shows_the_problem_and_catches_up_when_fixed(newsroom, public, admin_client):
    article = newsroom
    before = {url: public.text(url) for url in ("/news/", "/news/rss.xml")}
    with unwritable(public.path.resolve() / "news"):
        article.title = "Port strike ends after eight days"
        article.save_revision().publish()

        # The rest of the batch went out: the front page and the story itself.
        assert "Port strike ends after eight days" in public.text("/")
        assert "Port strike ends after eight days</h1>" in public.text(article.url)
        # The section's page and feed keep their last good version, whole.
        for url, text in before.items():
            assert public.text(url) == text, url
        assert not list(public.path.resolve().rglob(".*.tmp-*")), "a half-written file was left behind"

        problems = {problem.url: problem.message for problem in PublishingProblem.objects.all()}
        assert {"/news/", "/news/rss.xml"} <= set(problems)
        assert "not allowed to write" in problems["/news/"] and "previous version" in problems["/news/"]
        listing = admin_client.get("/admin/publishing_problems/").content.decode()
        assert "/news/rss.xml" in listing and "not allowed to write in that folder" in listing

        run_periodic_commands()  # the worker tries again while it is still broken: nothing lost
        assert PublishingProblem.objects.filter(url="/news/", attempts=2).exists()

    run_periodic_commands()  # fixed: the worker's next pass, nobody clicks anything
    assert "Port strike ends after eight days" in public.text("/news/")
    assert "Port strike ends after eight days" in public.text("/news/rss.xml")
    assert not PublishingProblem.objects.exists()
    assert "not allowed to write" not in admin_client.get("/admin/publishing_problems/").content.decode()


def test_a_failed_write_leaves_the_old_file_and_its_twins_and_no_temporary_file(tmp_path):
    old = b"<p>old</p>" * 100
    output.write(tmp_path, "/news/", old)
    folder = tmp_path / "news"
    with unwritable(folder), pytest.raises(PermissionError):
        output.write(tmp_path, "/news/", b"<p>new</p>" * 100)
    assert (folder / "index.html").read_bytes() == old
    assert sorted(p.name for p in folder.iterdir()) == ["index.html", "index.html.br", "index.html.gz"]
