"""Rate limits hold across the web server's worker processes: `samizdat serve` runs two granian
workers, and a flood spread over both is counted once, in the shared "limits" cache on disk."""

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.publishing.test_serve import free_port, wait_for


@pytest.fixture(scope="module")
def site_env(tmp_path_factory, migrated_database):
    var = migrated_database.copy_to(tmp_path_factory.mktemp("var"))
    env = dict(os.environ, SAMIZDAT_VAR_DIR=str(var), PUBLISHING_ENABLED="0",
               LIMIT_SEARCHES_PER_CLIENT="10/d")
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "samizdat.cli", "migrate", "-v0"], env=env, check=True)
    return env


def status_and_headers(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.mark.own_sqlite_site
def test_a_search_flood_is_counted_across_both_worker_processes(site_env):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "samizdat.cli", "serve", "--no-worker", "--workers", "2", "--port", str(port)],
        env=site_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/admin/login/")
        # Each request on a new connection: granian's two workers share them out.
        answers = [status_and_headers(f"http://127.0.0.1:{port}/search/?q=harbour+{n}") for n in range(16)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert [status for status, _, _ in answers] == [200] * 10 + [429] * 6
    status, headers, body = answers[-1]
    assert int(headers["Retry-After"]) > 0
    assert "Too many tries" in body and "Please try again in" in body
