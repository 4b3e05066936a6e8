"""One site address: what `make run` publishes names the address it is served on, after a restart
on another port too (docs/publishing.md, "The site's address")."""

import fcntl
import gzip
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.publishing.test_serve import children_of, free_port, wait_for

try:
    import brotli
except ImportError:  # pragma: no cover
    brotli = None


def texts(folder):
    """Every file of the output folder as text, the compressed twins uncompressed."""
    for path in sorted(Path(folder).resolve().rglob("*")):
        if not path.is_file():
            continue
        content = path.read_bytes()
        if path.suffix == ".gz":
            content = gzip.decompress(content)
        elif path.suffix == ".br":
            if brotli is None:
                continue
            content = brotli.decompress(content)
        yield path, content.decode("utf-8", errors="replace")


def files_naming(folder, address):
    return [str(path.relative_to(Path(folder).resolve())) for path, text in texts(folder) if address in text]


def samizdat(env, *arguments):
    subprocess.run([sys.executable, "-m", "samizdat.cli", *arguments], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_republish(server, seconds=120):
    """serve republishes for a new address while it already answers: until its child has ended
    (and serve has seen it end)."""
    publishers = [pid for pid, command in children_of(server.pid).items() if "publish --all" in command]
    deadline = time.monotonic() + seconds
    while any(Path(f"/proc/{pid}").exists() for pid in publishers):
        assert time.monotonic() < deadline, "the republish never ended"
        time.sleep(0.2)


@pytest.mark.own_sqlite_site
def test_the_demo_names_the_port_it_is_served_on_even_after_a_restart_on_another(tmp_path, migrated_database):
    var = migrated_database.copy_to(tmp_path / "var")
    env = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "DATABASE_URL", "HOST")}
    env.update(SAMIZDAT_VAR_DIR=str(var), PORT=str(free_port()))
    first = f"127.0.0.1:{env['PORT']}"
    # What `PORT=... make run` does before serving: every step is told the port.
    samizdat(env, "migrate", "--noinput", "-v0")
    samizdat(env, "load_demo")
    public = var / "public"
    assert files_naming(public, "127.0.0.1:8000") == []
    assert len(files_naming(public, first)) > 100

    env["PORT"] = str(free_port())
    second = f"127.0.0.1:{env['PORT']}"
    for start in ("on another port", "again on the same port"):
        server = subprocess.Popen([sys.executable, "-m", "samizdat.cli", "serve", "--no-worker"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(f"http://{second}/admin/login/", seconds=120)
            wait_for_republish(server)
            assert files_naming(public, first) == []
            with_second = files_naming(public, second)
            assert "sitemap.xml" in with_second and "news/index.html" in with_second
            if start == "on another port":
                build = public.resolve()
            else:  # nothing changed: the published site is kept, not rebuilt
                assert public.resolve() == build
            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=30) == 0
        finally:
            if server.poll() is None:
                server.kill()


@pytest.mark.own_sqlite_site
def test_serve_answers_with_the_old_pages_while_it_republishes_for_its_address(tmp_path, migrated_database):
    """An existing install restarted on another address (or upgraded: no address on record yet)
    keeps answering during the republish, with the pages published before; afterwards every file
    names the new address. Deterministic: the test holds the builds folder's lock, which the
    republish needs to start and to swap its build in, until it has checked the site answers."""
    var = migrated_database.copy_to(tmp_path / "var")
    env = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "DATABASE_URL", "HOST")}
    env.update(SAMIZDAT_VAR_DIR=str(var), SITE_URL="http://old.example")
    samizdat(env, "migrate", "--noinput", "-v0")
    samizdat(env, "publish", "--all", "--no-progress")
    public = var / "public"
    old_build = public.resolve()
    assert "robots.txt" in files_naming(public, "http://old.example")

    del env["SITE_URL"]
    env["PORT"] = str(free_port())
    new = f"http://127.0.0.1:{env['PORT']}"
    lock = open(var / "public-builds" / ".lock", "a")
    fcntl.flock(lock, fcntl.LOCK_EX)
    server = subprocess.Popen([sys.executable, "-m", "samizdat.cli", "serve", "--no-worker"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(f"{new}/robots.txt", seconds=120)
        with urllib.request.urlopen(f"{new}/robots.txt", timeout=5) as response:
            assert response.status == 200
            assert "http://old.example/sitemap.xml" in response.read().decode()
        assert any("publish --all" in command for command in children_of(server.pid).values())
        assert public.resolve() == old_build

        lock.close()  # the republish may go on now
        wait_for_republish(server)
        time.sleep(0.5)
        assert files_naming(public, "http://old.example") == []
        assert "robots.txt" in files_naming(public, new)
        with urllib.request.urlopen(f"{new}/robots.txt", timeout=5) as response:
            assert f"{new}/sitemap.xml" in response.read().decode()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        assert f"published the site again for {new}" in server.stdout.read()
    finally:
        lock.close()
        if server.poll() is None:
            server.kill()
