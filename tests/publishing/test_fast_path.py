"""The embedded server's fast path: published files answer readers before Django is asked."""

import gzip
import threading
import urllib.request
from urllib.error import HTTPError
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections

from samizdat.publishing import output
from samizdat.publishing.serving import StaticFirst

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ARTICLE = "<!doctype html><title>Harbour cranes</title><h1>Harbour cranes fall silent</h1>" + "<p>Body</p>" * 50


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # no client addresses in the test log either
        pass


@pytest.fixture
def server(public, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    root = output.current_root()
    output.write(root, "/news/harbour-cranes/", ARTICLE.encode())
    output.write(root, "/rss.xml", b"<?xml version='1.0'?><rss>" + b"<item/>" * 100 + b"</rss>")
    output.write(root, "/tags/%C3%BCber/", b"<h1>uber</h1>")
    (tmp_path / "media/images").mkdir(parents=True)
    (tmp_path / "media/images/cranes.jpg").write_bytes(b"\xff\xd8\xff" + b"0" * 100)
    (tmp_path / "secret.txt").write_text("outside")
    httpd = make_server("127.0.0.1", 0, StaticFirst(WSGIHandler()), server_class=WSGIServer, handler_class=QuietHandler)

    def serve():
        try:
            httpd.serve_forever()
        finally:
            # Django keeps a connection open for CONN_MAX_AGE (PostgreSQL): closed here, in the
            # thread that opened it, it doesn't outlive the test and hold the test database open.
            connections.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()
    httpd.server_close()


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read()
    except HTTPError as error:
        return error.code, error.headers, error.read()


def test_a_published_page_is_served_from_its_file_with_validators(server):
    status, headers, body = get(server + "/news/harbour-cranes/")
    assert status == 200
    assert body.decode() == ARTICLE
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["ETag"] and headers["Last-Modified"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in headers


def test_a_reader_who_has_the_page_gets_304(server):
    _, headers, _ = get(server + "/news/harbour-cranes/")
    status, _, body = get(server + "/news/harbour-cranes/", **{"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""
    status, _, _ = get(server + "/news/harbour-cranes/", **{"If-Modified-Since": headers["Last-Modified"]})
    assert status == 304
    status, _, _ = get(server + "/news/harbour-cranes/", **{"If-None-Match": '"something-else"'})
    assert status == 200


def test_compressed_twins_go_to_readers_who_accept_them(server):
    status, headers, body = get(server + "/news/harbour-cranes/", **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body).decode() == ARTICLE
    assert headers["Vary"] == "Accept-Encoding"
    _, plain_headers, _ = get(server + "/news/harbour-cranes/")
    assert headers["ETag"] != plain_headers["ETag"]
    _, br_headers, _ = get(server + "/news/harbour-cranes/", **{"Accept-Encoding": "br, gzip"})
    assert br_headers["Content-Encoding"] == "br"


def test_feeds_and_unicode_addresses_and_media_are_served(server):
    _, headers, _ = get(server + "/rss.xml")
    assert headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    status, _, body = get(server + "/tags/%C3%BCber/")
    assert status == 200 and body == b"<h1>uber</h1>"
    status, headers, _ = get(server + "/media/images/cranes.jpg")
    assert status == 200 and headers["Content-Type"] == "image/jpeg"


def test_a_head_request_gets_headers_only(server):
    request = urllib.request.Request(server + "/news/harbour-cranes/", method="HEAD")
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
        assert int(response.headers["Content-Length"]) == len(ARTICLE)
        assert response.read() == b""


def test_what_is_not_a_published_file_goes_to_django(server):
    status, headers, body = get(server + "/news/no-such-story/")
    assert status == 404 and b"<html" in body.lower()  # Django's styled 404
    status, _, body = get(server + "/search/?q=cranes")
    assert status == 200 and b"search" in body.lower()
    # A query string always reaches Django, even on a published address (Django has no such page).
    status, _, _ = get(server + "/news/harbour-cranes/?preview=1")
    assert status == 404


def test_logged_in_editors_get_django_not_the_file(server, settings):
    status, headers, _ = get(server + "/news/harbour-cranes/", Cookie=f"{settings.SESSION_COOKIE_NAME}=abc")
    assert status == 404  # Django has no such page; the file was not used


@pytest.mark.parametrize(
    "path", ["/../secret.txt", "/%2e%2e/secret.txt", "/news/..%2f..%2fsecret.txt", "/media/../secret.txt", "/%ff/"]
)
def test_paths_out_of_the_folder_are_never_served(server, path):
    status, _, body = get(server + path)
    assert b"outside" not in body
    assert status in (400, 404)


def test_a_republished_page_is_served_new_at_once(server, public):
    get(server + "/news/harbour-cranes/", **{"Accept-Encoding": "gzip"})  # now in the server's memory
    output.write(public.path.resolve(), "/news/harbour-cranes/", b"<h1>Cranes are back</h1>" * 20)
    for encoding in ("gzip", "identity"):
        status, headers, body = get(server + "/news/harbour-cranes/", **{"Accept-Encoding": encoding})
        if headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        assert body == b"<h1>Cranes are back</h1>" * 20, encoding
