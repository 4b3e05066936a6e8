"""`samizdat serve`, the embedded server `make run` starts: it answers, keeps its worker running, and\nstops cleanly."""

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management.base import OutputWrapper

from samizdat.publishing.management.commands.serve import Supervisor


@pytest.fixture(scope="module")
def site_env(tmp_path_factory, migrated_database):
    """Its own SQLite database in its own var/, migrated once for the module."""
    var = migrated_database.copy_to(tmp_path_factory.mktemp("var"))
    env = dict(os.environ, SAMIZDAT_VAR_DIR=str(var), PUBLISHING_ENABLED="0")
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
@pytest.mark.own_sqlite_site
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


def children_of(pid):
    """The processes `pid` started, as {pid: command line}, read from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # it ended while we looked
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found[int(stat.parent.name)] = command
    return found


def worker_of(server, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workers = [pid for pid, command in children_of(server.pid).items() if "samizdat.cli worker" in command]
        if workers:
            return workers[0]
        time.sleep(0.1)
    raise AssertionError("serve has no worker")


def is_running(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_serve(site_env, port, *arguments):
    return subprocess.Popen(
        [sys.executable, "-m", "samizdat.cli", "serve", "--port", str(port), *arguments],
        env=site_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.own_sqlite_site
def test_a_killed_worker_is_started_again_and_readers_never_notice(site_env):
    """kill -9 the worker: every request meanwhile is answered, serve starts a new worker and says
    so, and SIGTERM then stops the server, the new worker and granian's processes."""
    port = free_port()
    server = start_serve(site_env, port)
    try:
        page = f"http://127.0.0.1:{port}/admin/login/"
        assert wait_for(page) == 200
        first = worker_of(server)
        os.kill(first, signal.SIGKILL)
        answers, deadline = [], time.monotonic() + 30
        while time.monotonic() < deadline:
            with urllib.request.urlopen(page, timeout=5) as response:
                answers.append(response.status)
            second = worker_of(server)
            if second != first and len(answers) > 10:
                break
            time.sleep(0.1)
        assert second != first and is_running(second)
        assert set(answers) == {200}
        everything = [second, *children_of(server.pid)]
        everything += [pid for child in list(everything) for pid in children_of(child)]
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        assert "the background worker stopped (killed by SIGKILL); starting it again in 1 s" in server.stderr.read()
        time.sleep(0.5)
        assert [pid for pid in everything if is_running(pid)] == []
        assert port_is_free(port)
    finally:
        if server.poll() is None:
            server.kill()


@pytest.mark.own_sqlite_site
def test_when_the_web_server_dies_serve_stops_its_worker_and_fails(site_env):
    """granian gone is not something to hide: serve exits with an error for the service manager,
    and leaves no worker behind publishing for a site nobody serves."""
    port = free_port()
    server = start_serve(site_env, port)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/admin/login/") == 200
        worker = worker_of(server)
        granian = next(pid for pid, command in children_of(server.pid).items() if "granian" in command)
        os.killpg(granian, signal.SIGKILL)
        assert server.wait(timeout=30) == 1
        assert "the web server stopped (killed by SIGKILL)" in server.stderr.read()
        time.sleep(0.5)
        assert not is_running(worker)
    finally:
        if server.poll() is None:
            server.kill()


def test_a_worker_that_keeps_failing_is_started_again_less_and_less_often():
    """1 s, then 2 s, then 4 s: a worker that can't start (a database down) doesn't spin."""
    stderr = io.StringIO()
    supervisor = Supervisor(dict(os.environ), OutputWrapper(stderr))
    supervisor.start_server([sys.executable, "-c", "import time; time.sleep(60)"])
    supervisor.start_worker([sys.executable, "-c", "raise SystemExit(3)"])
    watching = threading.Thread(target=supervisor.watch)
    watching.start()
    try:
        deadline = time.monotonic() + 20
        while stderr.getvalue().count("worker stopped") < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        supervisor.stop()
        watching.join()
        supervisor.wait()
    lines = stderr.getvalue().splitlines()
    assert lines[:3] == [
        f"samizdat serve: the background worker stopped (exit status 3); starting it again in {delay} s. "
        "The site goes on serving."
        for delay in (1, 2, 4)
    ]
    assert not supervisor.server_failed


def test_a_failed_republish_is_said_on_stderr_and_the_site_goes_on_serving():
    """The republish for a new address runs beside the server: if it fails, serve says so and
    readers keep the pages published before; it does not stop the server."""
    stderr, stdout = io.StringIO(), io.StringIO()
    supervisor = Supervisor(dict(os.environ), OutputWrapper(stderr), OutputWrapper(stdout))
    supervisor.start_server([sys.executable, "-c", "import time; time.sleep(60)"])
    supervisor.start_publishing([sys.executable, "-c", "raise SystemExit(1)"], "http://new.example")
    watching = threading.Thread(target=supervisor.watch)
    watching.start()
    try:
        deadline = time.monotonic() + 20
        while "failed" not in stderr.getvalue() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert supervisor.server.poll() is None
    finally:
        supervisor.stop()
        watching.join()
        supervisor.wait()
    assert stderr.getvalue() == (
        "samizdat serve: publishing the site again for http://new.example failed (exit status 1); "
        "readers still get the pages published before. Run `samizdat publish --all` once the cause is fixed.\n"
    )
    assert not supervisor.server_failed


def test_stopping_serve_stops_a_republish_still_running():
    supervisor = Supervisor(dict(os.environ), OutputWrapper(io.StringIO()), OutputWrapper(io.StringIO()))
    supervisor.start_server([sys.executable, "-c", "import time; time.sleep(60)"])
    supervisor.start_publishing([sys.executable, "-c", "import time; time.sleep(60)"], "http://new.example")
    publisher = supervisor.publisher
    supervisor.stop()
    supervisor.wait()
    assert publisher.returncode == -signal.SIGTERM


# The demo's known password


@pytest.fixture(scope="module")
def demo_users(site_env):
    """The demo's accounts with the password the README gives."""
    subprocess.run([sys.executable, "-m", "samizdat.cli", "shell", "-c",
                    "from samizdat.demo.newsroom import create_demo_users; create_demo_users()"], env=site_env, check=True)
    return site_env


@pytest.mark.own_sqlite_site
def test_serve_refuses_every_interface_while_a_demo_account_has_the_demo_password(demo_users):
    port = free_port()
    result = subprocess.run(
        [sys.executable, "-m", "samizdat.cli", "serve", "--no-worker", "--host", "0.0.0.0", "--port", str(port)],
        env=demo_users, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "still have the demo password" in result.stderr and "samizdat changepassword admin" in result.stderr
    assert port_is_free(port), "nothing listened"


def admin_answers_when_served_on(host, env):
    """The status of the admin's sign-in page, from `samizdat serve --host HOST` on a free port."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "samizdat.cli", "serve", "--no-worker", "--host", host, "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        return wait_for(f"http://127.0.0.1:{port}/admin/login/")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.own_sqlite_site
def test_serve_on_the_loopback_is_fine_with_the_demo_password(demo_users):
    assert admin_answers_when_served_on("127.0.0.1", demo_users) == 200


@pytest.mark.own_sqlite_site
def test_serve_on_every_interface_once_the_demo_passwords_are_changed(demo_users):
    subprocess.run([sys.executable, "-m", "samizdat.cli", "shell", "-c",
                    "from django.contrib.auth.models import User\n"
                    "for u in User.objects.all(): u.set_password('a-long-new-password-' + u.username); u.save()"],
                   env=demo_users, check=True)
    assert admin_answers_when_served_on("0.0.0.0", demo_users) == 200
