"""The fast path answers before Django's middleware: it must send the same security headers, and
leave plain-http requests to Django's redirect when the site is on https."""

from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler

from samizdat.publishing import output
from samizdat.publishing.serving import StaticFirst

# Django closes the connection after each request it answers: no test transaction to keep open.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGE = b"<!doctype html><title>Harbour cranes</title><h1>Harbour cranes fall silent</h1>"
SECURITY_HEADERS = ["Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options",
                    "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy"]


@pytest.fixture
def https_site(public, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    output.write(output.current_root(), "/news/harbour-cranes/", PAGE)


def ask(path, **extra):
    """One request through StaticFirst in front of Django: (status, headers, body)."""
    environ = {"PATH_INFO": path, "HTTP_HOST": "127.0.0.1", **extra}
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    body = b"".join(StaticFirst(WSGIHandler())(environ, start_response))
    return answer["status"], answer["headers"], body


def policy(header):
    """A Content-Security-Policy as {directive: sources}: the order of directives means nothing."""
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_a_plain_http_request_for_a_published_page_is_redirected_to_https(https_site):
    status, headers, body = ask("/news/harbour-cranes/")
    assert status == 301 and headers["Location"] == "https://127.0.0.1/news/harbour-cranes/"
    assert PAGE not in body


def test_over_https_through_the_proxy_the_file_comes_with_hsts_and_the_policy(https_site):
    status, headers, body = ask("/news/harbour-cranes/", HTTP_X_FORWARDED_PROTO="https")
    assert status == 200 and body == PAGE
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert policy(headers["Content-Security-Policy"])["script-src"] == ["'self'"]


def test_x_forwarded_proto_is_not_believed_without_a_trusted_proxy(https_site, settings):
    settings.SECURE_PROXY_SSL_HEADER = None  # what settings.py says when TRUSTED_PROXIES is empty
    status, headers, _ = ask("/news/harbour-cranes/", HTTP_X_FORWARDED_PROTO="https")
    assert status == 301 and headers["Location"].startswith("https://")
    status, _, body = ask("/news/harbour-cranes/", **{"wsgi.url_scheme": "https"})
    assert status == 200 and body == PAGE


def test_the_fast_path_sends_the_security_headers_django_sends(https_site, settings):
    settings.SECURE_SSL_REDIRECT = False
    _, from_file, _ = ask("/news/harbour-cranes/", **{"wsgi.url_scheme": "https"})
    status, from_django, _ = ask("/search/", **{"wsgi.url_scheme": "https"})  # never a file
    assert status == 200
    for name in SECURITY_HEADERS:
        assert name in from_file, name
        if name == "Content-Security-Policy":
            assert policy(from_file[name]) == policy(from_django[name])
        else:
            assert from_file[name] == from_django[name], name
