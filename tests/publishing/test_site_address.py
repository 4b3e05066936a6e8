"""One site address: what `make run` publishes names the address it is served on, after a restart
on another port too (docs/publishing.md, "The site's address")."""

import gzip
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.core.test_serve import free_port, wait_for

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


def test_the_demo_names_the_port_it_is_served_on_even_after_a_restart_on_another(tmp_path):
    var = tmp_path / "var"
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
