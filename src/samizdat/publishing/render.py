"""Rendering an address of the public site as an anonymous reader would get it, without HTTP."""

import io
import logging
import sys
from dataclasses import dataclass
from urllib.parse import quote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.core.cache import close_caches
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.utils import translation

logger = logging.getLogger(__name__)


@dataclass
class Rendered:
    url: str
    status: int
    content: bytes = b""
    problem: str = ""

    @property
    def ok(self):
        return self.status == 200 and not self.problem

    @property
    def gone(self):
        """Readers should get Django's answer (a 404, a redirect to the new address), not a file."""
        return self.status in (301, 302, 307, 308, 404, 410)


def close_without_closing_connections(response):
    """A response's close() tells Django the request is over, and Django then closes database
    connections that are inside a transaction: the publisher's caller (an editor's publish, a
    test) would lose its own. Django's test client steps around this the same way. The caches
    stay open too: the render cache's connections would otherwise be opened again for every page."""
    request_finished.disconnect(close_old_connections)
    request_finished.disconnect(close_caches)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
        request_finished.connect(close_caches)


class PublisherRequest(WSGIRequest):
    """The publisher's own request, for SITE_URL's host: trusted whatever ALLOWED_HOSTS says (a
    mirror or a renamed site must not turn every page into a 400)."""

    def get_host(self):
        return self.META["HTTP_HOST"]


class Renderer:
    """Runs requests through Django's middleware and URLs, as the web server would."""

    def __init__(self):
        self.handler = BaseHandler()
        self.handler.load_middleware()
        site = urlsplit(settings.SITE_URL)
        self.scheme = site.scheme or "http"
        self.host = site.netloc or "localhost"

    def request_for(self, url):
        """The anonymous reader's request for `url` that the publisher renders."""
        return PublisherRequest(self._environ(url))

    def render(self, url):
        # Django's LocaleMiddleware activates the address's edition (/ru/) and leaves it active;
        # what the publisher works out after this page must not be in that page's language.
        with translation.override(translation.get_language()):
            return self._render(url)

    def _render(self, url):
        request = self.request_for(url)
        try:
            response = self.handler.get_response(request)
        except Exception as error:  # the handler turns most errors into a 500; this is the rest
            logger.exception("Rendering %s failed", url)
            return Rendered(url, 500, problem=f"{type(error).__name__}: {error}")
        try:
            status = response.status_code
            if status != 200:
                gone = status in (301, 302, 307, 308, 404, 410)
                return Rendered(url, status, problem="" if gone else f"the page answered {status}")
            if response.cookies:
                return Rendered(url, 200, problem="the page sets a cookie, so it can't be served as a file")
            content = b"".join(response) if response.streaming else response.content
            return Rendered(url, 200, content)
        finally:
            close_without_closing_connections(response)

    def _environ(self, url):
        path = urlsplit(url).path
        # WSGI carries the path as bytes decoded as Latin-1; an address may arrive raw ("/tags/ü/")
        # or percent-encoded, and both must name the same page.
        raw = unquote_to_bytes(quote(path, safe="/%:@!$&'()*+,;=~"))
        host, _, port = self.host.partition(":")
        return {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": raw.decode("latin-1"),
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": host,
            "SERVER_PORT": port or ("443" if self.scheme == "https" else "80"),
            "HTTP_HOST": self.host,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": self.scheme,
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
        }


_renderers = {}


def shared_renderer():
    """This process's Renderer for the current settings: loading the middleware costs more than
    rendering most pages, and a worker publishes change after change."""
    key = (settings.SITE_URL, tuple(settings.MIDDLEWARE))
    if key not in _renderers:
        _renderers.clear()
        _renderers[key] = Renderer()
    return _renderers[key]
