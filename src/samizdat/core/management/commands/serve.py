"""`samizdat serve`: the embedded web server (granian) and, by default, the background worker.

granian, not gunicorn: its HTTP layer is written in Rust, so published files from the fast path
(publishing/serving.py) go out several times faster (bench/results/publishing.md), while Django's
own pages run in its blocking threads as under any WSGI server.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from samizdat.core.static_files import ensure_static_collected


class Command(BaseCommand):
    help = "Serve the site with granian on HOST:PORT and run the background worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")),
            help="Threads per worker for requests that reach Django (default %(default)s).",
        )
        parser.add_argument("--no-worker", action="store_true", help="Don't start the background worker.")

    def handle(self, *args, host, port, workers, threads, no_worker, **options):
        base = f"http://{host}:{port}"
        ensure_static_collected()
        if settings.PUBLISHING_ENABLED and not Path(settings.PUBLIC_DIR).exists():
            self.stdout.write("Publishing the site as files (once; later changes publish themselves)...")
            call_command("publish", all=True)
        env = dict(os.environ)
        # Links in feeds and pages should point where this server answers, unless told otherwise.
        env.setdefault("SITE_URL", base)
        children, stopping = [], []

        def stop(signum=None, frame=None):
            # Once: granian stuck halfway through starting ignores a second SIGTERM.
            if stopping:
                return
            stopping.append(True)
            for child in children:
                signal_group(child, signal.SIGTERM)

        def start(command):
            # Its own process group, so stopping reaches granian's workers too.
            children.append(subprocess.Popen(command, env=env, start_new_session=True))
            if stopping:  # told to stop while starting it
                signal_group(children[-1], signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        start([
            sys.executable, "-m", "granian", "--interface", "wsgi", "samizdat.wsgi:application",
            "--host", host, "--port", str(port), "--workers", str(workers),
            "--blocking-threads", str(threads), "--log-level", "warning", "--no-ws",
        ])
        if not no_worker:
            start([sys.executable, "-m", "samizdat.cli", "worker"])
        self.stdout.write(f"\nSite:  {base}/\nAdmin: {base}/admin/\n(Ctrl+C stops the server and the worker.)\n\n")
        self.stdout.flush()
        died = []
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.5)
            died = [child for child in children if not stopping and child.poll() is not None]
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    signal_group(child, signal.SIGKILL)
                    child.wait()
        # Asked to stop, it stopped; a child that died by itself (the port taken, say) is a failure.
        if any(child.returncode != 0 for child in died):
            sys.exit(1)


def signal_group(child, signum):
    """Signal a child and every process it started (granian's workers), leaving none to hold the port."""
    try:
        os.killpg(child.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass
