"""Which other sites' scripts may read an answer: only the site's own origin and its mirrors'.

A mirror (MIRROR_URLS) serves our published pages from its own address, and their scripts post
back to us (the newsletter signup). The browser lets them read the answer only if we name their
origin: we echo the request's Origin when it is one of ours, never `*`, so a stranger's page can't
use a reader's browser to talk to us and read what we say.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.cache import patch_vary_headers


def origin_of(url):
    """'https://News.example.org:443/path' -> 'https://news.example.org' ('' for no address)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    default = {"http": 80, "https": 443}[parts.scheme]
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def our_origins():
    found = {origin_of(settings.SITE_URL)} | {origin_of(url) for url in settings.MIRROR_URLS}
    found.discard("")
    return found


def readable_by_mirrors(view):
    """A view decorator: its answers, 429s included, may be read by scripts on our own origins."""

    @wraps(view)
    def cross_origin_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        origin = request.headers.get("Origin", "")
        if origin and origin_of(origin) == origin and origin in our_origins():
            response["Access-Control-Allow-Origin"] = origin
        patch_vary_headers(response, ["Origin"])  # caches must not hand one origin's answer to another
        return response

    return cross_origin_view
