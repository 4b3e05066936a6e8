"""`samizdat serve`, the embedded server `make run` starts: it answers, and it stops cleanly."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


@pytest.fixture(scope="module")
def site_env(tmp_path_factory):
    """Its own SQLite database in its own var/, migrated once for the module."""
    env = dict(os.environ, SAMIZDAT_VAR_DIR=str(tmp_path_factory.mktemp("var")), PUBLISHING_ENABLED="0")
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "samizdat.cli", "migrate", "-v0"], env=env, check=True)
    return env


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port):
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} never answered")


@pytest.mark.parametrize("stop_after", ["started", "starting"])
def test_sigterm_stops_the_server_and_everything_it_started(site_env, stop_after):
    """A service manager stops samizdat with SIGTERM: no granian worker may be left holding the port,
    even when the signal comes while the server is still starting."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "samizdat.cli", "serve", "--no-worker", "--port", str(port)],
        env=site_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        if stop_after == "started":
            assert wait_for(f"http://127.0.0.1:{port}/admin/login/") == 200
        else:  # granian has bound the port; its workers are still starting
            deadline = time.monotonic() + 60
            while port_is_free(port) and time.monotonic() < deadline:
                time.sleep(0.05)
        server.send_signal(signal.SIGTERM)
        # 0 once it has started its children; killed by the signal if it came before.
        assert server.wait(timeout=30) in (0, -signal.SIGTERM)
        deadline = time.monotonic() + 5
        while not port_is_free(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert port_is_free(port)
    finally:
        if server.poll() is None:
            server.kill()
