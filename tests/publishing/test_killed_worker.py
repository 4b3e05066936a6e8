"""A worker killed (SIGKILL, a real process) in the middle of publishing, and a new one started:
the site catches up by itself, equal to a fresh rebuild, with no build folder or renderer left."""

import hashlib
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from samizdat.publishing.models import UnfinishedChange
from tests.subprocesses import SAMIZDAT, database_for_subprocess
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)



def query(env, sql):
    if env["DATABASE_URL"].startswith("sqlite:///"):
        with sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///"), timeout=20) as database:
            return database.execute(sql).fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.fixture
def site(tmp_path, settings):
    """A small newsroom published by `samizdat publish --all`, with short leases and intervals."""
    settings.PUBLISHING_ENABLED = False
    news, opinion = make_section("News"), make_section("Opinion")
    irina = make_author("Irina Volkova")
    for n in range(40):
        make_article(news if n % 2 else opinion, f"Story number {n}", tags=["port"] if n % 3 else ["jobs"],
                     authors=[irina], minutes_ago=10 * n + 5)
    env = {
        **os.environ,
        "DATABASE_URL": database_for_subprocess(tmp_path),
        "SAMIZDAT_VAR_DIR": str(tmp_path / "var"),
        "PUBLIC_DIR": str(tmp_path / "public"),
        "SITE_URL": "https://harbour.example",
        "STATIC_ROOT": str(settings.STATIC_ROOT),  # collected once for the test run
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "PUBLISHING_ENABLED": "true",
        "PUBLISH_PROCESSES": "2",
        "PUBLISH_LEASE_SECONDS": "2",
        "PUBLISH_SCHEDULED_INTERVAL": "1",
    }
    published = subprocess.run([SAMIZDAT, "publish", "--all", "--no-progress"], env=env, capture_output=True, text=True, timeout=120)
    assert published.returncode == 0, published.stderr[-3000:]
    return env


def edit(env, code):
    """An editor's change, in a process of its own: saved with its publishing task in the queue."""
    subprocess.run([SAMIZDAT, "shell", "-c", code], env=env, check=True, capture_output=True, timeout=60)


def children_of(pid):
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def running(pid):
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


def fingerprint(folder):
    folder = Path(folder).resolve()
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


def start_worker(env):
    return subprocess.Popen([SAMIZDAT, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_until_caught_up(env, worker, seconds=120):
    deadline = time.monotonic() + seconds
    unfinished, ready = UnfinishedChange._meta.db_table, DBTaskResult._meta.db_table
    while True:
        assert worker.poll() is None, worker.communicate()[1][-3000:]
        owed = query(env, f"SELECT COUNT(*) FROM {unfinished}")[0][0]
        waiting = query(env, f"SELECT COUNT(*) FROM {ready} WHERE status = 'READY'")[0][0]
        if not owed and not waiting:
            return
        assert time.monotonic() < deadline, "the site never caught up"
        time.sleep(0.2)


def assert_published_as_django_renders_it(env, tmp_path):
    """Every file equal to a fresh rebuild's, from the same database (two rebuilds of the same
    content give identical files)."""
    reference = {**env, "PUBLIC_DIR": str(tmp_path / "reference"), "SAMIZDAT_VAR_DIR": str(tmp_path / "reference-var")}
    subprocess.run([SAMIZDAT, "publish", "--all", "--no-progress"], env=reference, check=True, capture_output=True, timeout=120)
    published, expected = fingerprint(env["PUBLIC_DIR"]), fingerprint(tmp_path / "reference")
    assert published.keys() == expected.keys()
    assert [name for name in expected if published[name] != expected[name]] == []


def assert_no_build_left_half_written(env):
    builds = Path(env["PUBLIC_DIR"] + "-builds")
    assert not list(builds.glob(".*.building")), "a rebuild is still marked as running"
    # The current build, and at most the one before it, kept for readers mid-download.
    assert len([entry for entry in builds.iterdir() if entry.is_dir()]) <= 2


def test_a_worker_killed_mid_rebuild_is_taken_over_and_leaves_nothing_behind(site, tmp_path):
    env = site
    edit(env, "from samizdat.news.models import SectionPage; s = SectionPage.objects.get(slug='news'); "
              "s.title = 'World'; s.save_revision().publish()")
    worker = start_worker(env)
    builds = Path(env["PUBLIC_DIR"] + "-builds")
    deadline = time.monotonic() + 60
    renderers = []
    while len(renderers) < 2 or not list(builds.glob(".*.building")):  # the rebuild's processes are at work
        assert worker.poll() is None and time.monotonic() < deadline, "the rebuild never started"
        time.sleep(0.005)
        renderers = children_of(worker.pid)
    half_built = [marker.name[1:-len(".building")] for marker in builds.glob(".*.building")]
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert ">World<" not in Path(env["PUBLIC_DIR"], "index.html").read_text(), "killed too late to test anything"

    deadline = time.monotonic() + 10
    while any(running(pid) for pid in renderers):
        assert time.monotonic() < deadline, "the forked renderers outlived their worker"
        time.sleep(0.1)

    worker = start_worker(env)
    try:
        wait_until_caught_up(env, worker)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert ">World<" in Path(env["PUBLIC_DIR"], "news/story-number-1/index.html").read_text()  # the new navigation
    assert not any((builds / name).exists() for name in half_built)
    assert_no_build_left_half_written(env)
    assert_published_as_django_renders_it(env, tmp_path)


def test_a_worker_killed_mid_edit_is_taken_over(site, tmp_path):
    env = site
    worker = start_worker(env)
    try:
        time.sleep(1)  # started and warmed up: the edit is taken at once
        # Not waited for: the worker may take the task before the editor's process has exited.
        editing = subprocess.Popen(
            [SAMIZDAT, "shell", "-c", "from samizdat.news.models import ArticlePage; "
             "a = ArticlePage.objects.get(slug='story-number-1'); a.title = 'Port strike ends'; a.save_revision().publish()"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        table = DBTaskResult._meta.db_table
        while not query(env, f"SELECT COUNT(*) FROM {table} WHERE status = 'RUNNING'")[0][0]:  # taken up
            assert worker.poll() is None and time.monotonic() < deadline, "the edit was never published"
            time.sleep(0.001)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        assert editing.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    left_behind = fingerprint(env["PUBLIC_DIR"])

    worker = start_worker(env)
    try:
        wait_until_caught_up(env, worker)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert "Port strike ends" in Path(env["PUBLIC_DIR"], "news/index.html").read_text()
    assert fingerprint(env["PUBLIC_DIR"]) != left_behind, "killed too late: the edit was all written"
    assert_published_as_django_renders_it(env, tmp_path)
