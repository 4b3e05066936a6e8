"""docs/deploy.md's nginx configuration, run by Debian's nginx on 127.0.0.1 in front of the app."""

import shutil
import socket
import subprocess
import time
import urllib.request
from urllib.error import HTTPError

import pytest

from deploy.nginx.render import standalone_config
from samizdat.publishing.publish import publish_urls
from tests.factories import make_article, make_section

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # installed by scripts/install-test-deps
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx(public, live_server, settings, tmp_path):
    port = free_port()
    (tmp_path / "nginx").mkdir()
    conf = standalone_config(
        tmp_path / "nginx",
        app=live_server.url.removeprefix("http://"),
        listen=f"127.0.0.1:{port}",
        public_dir=public.path,
        static_root=tmp_path / "static",
        media_root=settings.MEDIA_ROOT,
    )
    process = subprocess.Popen([NGINX, "-c", str(conf), "-e", str(tmp_path / "nginx/error.log")])
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


def get(url):
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.headers, response.read().decode()
    except HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_nginx_serves_published_articles_from_files_and_the_rest_from_the_app(public, nginx, settings):
    settings.PUBLISHING_ENABLED = False
    article = make_article(make_section("News"), "Harbour cranes fall silent")
    publish_urls([article.url, "/rss.xml"])
    # Mark the file, to see that nginx served it rather than asking the app.
    marked = public.text(article.url).replace("</body>", "<!-- from the file --></body>")
    public.file(article.url).write_text(marked)
    public.file(article.url).with_name("index.html.gz").unlink()

    status, headers, body = get(nginx + article.url)
    assert status == 200 and "Harbour cranes fall silent</h1>" in body
    assert "<!-- from the file -->" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"

    status, headers, body = get(nginx + "/rss.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")

    status, _, body = get(nginx + "/news/no-such-story/")
    assert status == 404 and "Page not found" in body  # the app's styled 404

    status, _, body = get(nginx + "/search/?q=cranes")  # a form page, answered by the app
    assert status == 200 and 'role="search"' in body and "Harbour cranes fall silent" in body


@pytest.fixture
def https_headers(settings):
    """Set before nginx's configuration is written: the headers file is made from the settings."""
    settings.SECURE_HSTS_SECONDS = 31536000


def test_files_nginx_serves_itself_carry_the_apps_security_headers_and_the_apps_answers_keep_theirs(
    https_headers, public, nginx, settings
):
    settings.PUBLISHING_ENABLED = False
    article = make_article(make_section("News"), "Harbour cranes fall silent")
    publish_urls([article.url, "/rss.xml"])
    public.file(article.url).write_text(public.text(article.url) + "<!-- from the file -->")
    for path in (article.url, "/rss.xml"):
        status, headers, body = get(nginx + path)
        assert status == 200
        assert headers["Strict-Transport-Security"] == "max-age=31536000"
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
        policy = headers.get_all("Content-Security-Policy")
        assert len(policy) == 1 and "script-src 'self'" in policy[0] and "object-src 'none'" in policy[0]
    status, _, body = get(nginx + article.url)
    assert "<!-- from the file -->" in body  # nginx's own answer, not the app's

    _, headers, _ = get(nginx + "/search/?q=cranes")  # the app's answer: its own headers, once
    assert len(headers.get_all("Content-Security-Policy")) == 1
    assert len(headers.get_all("X-Frame-Options")) == 1
    _, headers, _ = get(nginx + "/admin/login/")  # the admin's own policy, not the readers' on top
    (admin_policy,) = headers.get_all("Content-Security-Policy")
    assert "'unsafe-inline'" in admin_policy


def test_nginx_keeps_no_access_log_of_readers_addresses_or_their_links(nginx, tmp_path):
    """The links in our emails carry tokens; each log line would also keep the reader's address."""
    get(nginx + "/")
    get(nginx + "/newsletter/preferences/MTIz:1vXyZa:abcdefghijklmnopqrstuvwxyz0/")
    log = tmp_path / "nginx" / "access.log"
    assert not log.exists() or log.read_text() == ""
