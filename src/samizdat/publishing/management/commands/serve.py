"""`samizdat serve`: the embedded web server (granian) and, by default, the background worker.

granian, not gunicorn: its HTTP layer is written in Rust, so published files from the fast path
(publishing/serving.py) go out several times faster (bench/results/publishing.md), while Django's
own pages run in its blocking threads as under any WSGI server.

The worker is supervised: when it dies it is started again, after a pause that doubles with each
quick failure, while granian goes on serving the published files. granian restarts its own
workers; if granian itself dies, serve stops and exits with an error, for the service manager
(docs/deploy.md) to restart and log: a port taken or a broken install would fail again at once.

A site published for another address is published again while granian already serves the build on
disk: readers get the pages as they were until the new build is swapped in, never a refused
connection. Only a site with nothing published yet is published before serving.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from samizdat.core import exposure
from samizdat.core.links import address_of_server, published_address
from samizdat.core.static_files import ensure_static_collected

# Seconds before starting a dead worker again: 1, 2, 4 ... up to a minute.
FIRST_RESTART_DELAY = 1.0
LONGEST_RESTART_DELAY = 60.0
# A worker that ran this long was working: the next failure starts the pauses from the first again.
RAN_A_WHILE = 60.0
POLL = 0.2
PUBLISH_ALL = [sys.executable, "-m", "samizdat.cli", "publish", "--all"]


class Command(BaseCommand):
    help = "Serve the site with granian on HOST:PORT and run the background worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.HOST)
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")),
            help="Threads per worker for requests that reach Django (default %(default)s).",
        )
        parser.add_argument("--no-worker", action="store_true", help="Don't start the background worker.")

    def handle(self, *args, host, port, workers, threads, no_worker, **options):
        refused = exposure.reasons_not_to_serve(host)
        if refused:
            raise CommandError(f"Not serving on {host}: anyone who can reach it could sign in.\n" + "\n".join(refused))
        base = f"http://{host}:{port}"
        ensure_static_collected()
        env = dict(os.environ)
        # Pages, feeds and emails name where this server answers, unless SITE_URL says otherwise.
        env["SITE_URL"] = os.environ.get("SITE_URL") or address_of_server(host, port)
        supervisor = Supervisor(env, self.stderr, self.stdout)
        signal.signal(signal.SIGTERM, supervisor.stop)
        signal.signal(signal.SIGINT, supervisor.stop)
        try:
            republish = False
            if settings.PUBLISHING_ENABLED and not supervisor.stopping:
                republish = self.publish_for(env["SITE_URL"], supervisor)
            supervisor.start_server([
                sys.executable, "-m", "granian", "--interface", "wsgi", "samizdat.wsgi:application",
                "--host", host, "--port", str(port), "--workers", str(workers),
                "--blocking-threads", str(threads), "--log-level", "warning", "--no-ws",
                "--respawn-failed-workers",
            ])
            if republish:
                supervisor.start_publishing(PUBLISH_ALL, env["SITE_URL"])
            if not no_worker:
                supervisor.start_worker([sys.executable, "-m", "samizdat.cli", "worker"])
            if not supervisor.stopping:
                self.stdout.write(
                    f"\nSite:  {base}/\nAdmin: {base}/admin/\n(Ctrl+C stops the server and the worker.)\n\n"
                )
                if settings.SUPPORT_TEST_PAYMENTS and not settings.DEBUG:
                    self.stdout.write("Test payments are on (SUPPORT_TEST_PAYMENTS): no money moves. "
                                      "Turn them off before taking real gifts.\n\n")
                self.stdout.flush()
            supervisor.watch()
        finally:
            supervisor.stop()
            supervisor.wait()
        # Asked to stop, it stopped; a server that died by itself (the port taken, say) is a failure.
        if supervisor.server_failed:
            sys.exit(1)

    def publish_for(self, address, supervisor):
        """Publish the whole site when nothing is published yet, before serving; returns True when
        it was published for another address (a new port, a new SITE_URL, or not on record: an
        install from before the record), to be published again while serving what is on disk:
        every page names the site, so every page changes. In a process of its own, so it renders
        with the address the children get."""
        public = Path(settings.PUBLIC_DIR)
        if not public.exists():
            self.stdout.write("Publishing the site as files (once; later changes publish themselves)...")
            self.stdout.flush()
            supervisor.run_to_end(PUBLISH_ALL)
            return False
        if published_address() != address:
            self.stdout.write(
                f"Publishing the site again for its address, {address}; until it is done, readers get "
                "the pages published before."
            )
            self.stdout.flush()
            return True
        return False


class Supervisor:
    """The server and the worker, each in its own process group, stopped together."""

    def __init__(self, env, stderr, stdout=None):
        self.env = env
        self.stderr = stderr
        self.stdout = stdout
        self.before = None
        self.publisher = None
        self.publishing_for = None
        self.server = None
        self.worker = None
        self.worker_command = None
        self.worker_started_at = 0.0
        self.restart_delay = FIRST_RESTART_DELAY
        self.restart_at = None
        self.stopping = False
        self.server_failed = False

    def spawn(self, command):
        # Its own process group, so stopping reaches granian's workers and the worker's renderers.
        child = subprocess.Popen(command, env=self.env, start_new_session=True)
        if self.stopping:  # told to stop while starting it
            signal_group(child, signal.SIGTERM)
        return child

    def run_to_end(self, command):
        """Run a command before serving (publishing the site); stopping serve stops it too."""
        self.before = self.spawn(command)
        try:
            self.before.wait()
        finally:
            if self.before.poll() is None:
                signal_group(self.before, signal.SIGTERM)
                self.before.wait()
        if self.before.returncode and not self.stopping:
            self.say(f"publishing ended with {how_it_ended(self.before.returncode)}; serving what is published.")

    def start_publishing(self, command, address):
        """Publish the site again while serving the build on disk; watched until it ends."""
        if not self.stopping:
            self.publisher = self.spawn(command)
            self.publishing_for = address

    def start_server(self, command):
        if not self.stopping:
            self.server = self.spawn(command)

    def start_worker(self, command):
        self.worker_command = command
        if not self.stopping:
            self.worker = self.spawn(command)
            self.worker_started_at = time.monotonic()

    def watch(self):
        while not self.stopping:
            if self.server.poll() is not None:
                self.server_failed = not self.stopping
                self.say(f"the web server stopped ({how_it_ended(self.server.returncode)}); stopping.")
                return
            if self.worker is not None and self.worker.poll() is not None:
                self.worker_died()
            if self.publisher is not None and self.publisher.poll() is not None:
                self.publishing_ended()
            if self.restart_at is not None and time.monotonic() >= self.restart_at:
                self.restart_at = None
                self.start_worker(self.worker_command)
            time.sleep(POLL)

    def worker_died(self):
        worker, self.worker = self.worker, None
        # Renderers it forked would go on writing pages for a batch nobody is waiting for.
        signal_group(worker, signal.SIGKILL)
        if time.monotonic() - self.worker_started_at >= RAN_A_WHILE:
            self.restart_delay = FIRST_RESTART_DELAY
        delay = self.restart_delay
        self.restart_delay = min(delay * 2, LONGEST_RESTART_DELAY)
        self.restart_at = time.monotonic() + delay
        self.say(
            f"the background worker stopped ({how_it_ended(worker.returncode)}); "
            f"starting it again in {delay:g} s. The site goes on serving."
        )

    def publishing_ended(self):
        publisher, self.publisher = self.publisher, None
        signal_group(publisher, signal.SIGKILL)  # a renderer it forked, if any is left
        if publisher.returncode == 0:
            self.tell(f"published the site again for {self.publishing_for}.")
        else:
            self.say(
                f"publishing the site again for {self.publishing_for} failed "
                f"({how_it_ended(publisher.returncode)}); readers still get the pages published before. "
                "Run `samizdat publish --all` once the cause is fixed."
            )

    def tell(self, line):
        if self.stdout is not None:
            self.stdout.write(f"samizdat serve: {line}")
            self.stdout.flush()

    def say(self, line):
        self.stderr.write(f"samizdat serve: {line}")
        self.stderr.flush()

    def stop(self, signum=None, frame=None):
        # Once: granian stuck halfway through starting ignores a second SIGTERM.
        if self.stopping:
            return
        self.stopping = True
        for child in (self.before, self.publisher, self.server, self.worker):
            if child is not None and child.poll() is None:
                signal_group(child, signal.SIGTERM)

    def wait(self):
        for child in (self.publisher, self.server, self.worker):
            if child is None:
                continue
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                signal_group(child, signal.SIGKILL)
                child.wait()


def how_it_ended(returncode):
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit status {returncode}"


def signal_group(child, signum):
    """Signal a child and every process it started (granian's workers), leaving none to hold the port."""
    try:
        os.killpg(child.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass
