"""The fast path: published files answer anonymous GET and HEAD requests before Django is asked.

A WSGI wrapper around Django. It looks the path up in the output folder (and MEDIA_ROOT, when the
app serves media), answers with the file, its ETag and Last-Modified, a 304 when the reader has it,
and the precompressed twin the reader accepts. Everything else (admin, previews, forms, search,
addresses with a query string, logged-in editors, misses) goes to Django.
"""

import mimetypes
import os
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

from django.conf import settings

from samizdat.core import content_security
from samizdat.core.private_media import is_private_media

from .output import MIN_COMPRESS_SIZE, UnsafePath, relative_file

ENCODING_SUFFIX = {"br": ".br", "gzip": ".gz"}
CACHE_ENTRIES = 5000  # files kept in memory per server process
CACHE_FILE_LIMIT = 512 * 1024  # larger files are read from disk every time

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}
FEED_TYPES = {"rss.xml": "application/rss+xml; charset=utf-8", "atom.xml": "application/atom+xml; charset=utf-8"}


def security_headers():
    """What Django's SecurityMiddleware, XFrameOptionsMiddleware and the Content-Security-Policy
    middleware add to its answers to readers; nginx sends the same (deploy/nginx/render.py)."""
    headers = [("X-Frame-Options", settings.X_FRAME_OPTIONS)]
    if settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append(("Strict-Transport-Security", hsts))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    headers.append((content_security.HEADER, content_security.reader_policy()))
    return headers


def nginx_headers():
    """security_headers() as nginx `add_header` lines, for the files nginx serves itself."""
    lines = []
    for name, value in security_headers():
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'add_header {name} "{quoted}" always;\n')
    return "".join(lines)


def is_secure(environ):
    """request.is_secure() without a request: the trusted proxy's header when one is set, else the
    scheme the server was asked with."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


class StaticFirst:
    def __init__(self, app, public_dir=None, media=None, max_age=None):
        self.app = app
        self.roots = []  # (URL prefix, folder)
        if media is None and settings.SERVE_MEDIA:
            media = (settings.MEDIA_URL, settings.MEDIA_ROOT)
        self.media_root = Path(media[1]) if media else None
        if media:
            self.roots.append((media[0], self.media_root))
        self.roots.append(("/", Path(public_dir or settings.PUBLIC_DIR)))
        self.max_age = settings.PUBLIC_MAX_AGE if max_age is None else max_age
        self.session_cookie = settings.SESSION_COOKIE_NAME + "="
        self.security_headers = security_headers()
        # A plain-http request is Django's to redirect (SecurityMiddleware, with SECURE_SSL_HOST and
        # SECURE_REDIRECT_EXEMPT): a page sent over http could be read and changed on the way.
        self.redirect_to_https = settings.SECURE_SSL_REDIRECT
        self.cache = {}

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        if (
            method in ("GET", "HEAD")
            and not environ.get("QUERY_STRING")
            and self.session_cookie not in environ.get("HTTP_COOKIE", "")
            and not (self.redirect_to_https and not is_secure(environ))
        ):
            found = self.find(environ.get("PATH_INFO", "/"))
            if found is not None:
                return self.serve(found, environ, start_response, method == "HEAD")
        return self.app(environ, start_response)

    def find(self, path_info):
        try:
            path = path_info.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return None
        for prefix, root in self.roots:
            if not path.startswith(prefix):
                continue
            try:
                relative = relative_file("/" + path[len(prefix) :])
            except UnsafePath:
                return None
            if root == self.media_root and is_private_media(relative):
                return None  # documents are Django's to serve, after their privacy check
            file = root / relative
            try:
                stat = os.stat(file)
            except (OSError, ValueError):
                continue
            if stat.st_mode & 0o170000 == 0o100000:  # a regular file
                return file, stat
        return None

    def serve(self, found, environ, start_response, head):
        file, stat = found
        encoding = preferred_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""))
        answer = self.answer_for(file, stat, encoding)
        if not_modified(environ, answer.etag, stat.st_mtime):
            start_response("304 Not Modified", answer.headers)
            return []
        start_response("200 OK", answer.headers + answer.length_header)
        return [] if head else [answer.body]

    def answer_for(self, file, stat, encoding):
        """Headers and body for a file, kept in memory while the file is unchanged: one stat()
        per request then, instead of two stats, an open and a read."""
        key = (file, encoding)
        cached = self.cache.get(key)
        if cached is not None and cached.stamp == (stat.st_mtime_ns, stat.st_size, stat.st_ino):
            return cached
        body, used = None, None
        if encoding and stat.st_size >= MIN_COMPRESS_SIZE:
            for name in encoding:
                try:
                    body = file.with_name(file.name + ENCODING_SUFFIX[name]).read_bytes()
                    used = name
                    break
                except OSError:
                    continue
        if body is None:
            body = file.read_bytes()
        # Each encoding is its own representation, with its own tag.
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}{"-" + used if used else ""}"'
        headers = [
            ("Content-Type", content_type(file)),
            ("ETag", etag),
            ("Last-Modified", formatdate(stat.st_mtime, usegmt=True)),
            ("Cache-Control", f"public, max-age={self.max_age}"),
            ("Vary", "Accept-Encoding"),
            *self.security_headers,
        ]
        if used:
            headers.append(("Content-Encoding", used))
        answer = Answer((stat.st_mtime_ns, stat.st_size, stat.st_ino), etag, headers, body)
        if len(body) <= CACHE_FILE_LIMIT:
            if len(self.cache) >= CACHE_ENTRIES:
                self.cache.clear()  # crude, but bounded; a new site's hot pages refill it at once
            self.cache[key] = answer
        return answer


class Answer:
    __slots__ = ("stamp", "etag", "headers", "body", "length_header")

    def __init__(self, stamp, etag, headers, body):
        self.stamp, self.etag, self.headers, self.body = stamp, etag, headers, body
        self.length_header = [("Content-Length", str(len(body)))]


def preferred_encoding(accepted):
    if not accepted:
        return ()
    return tuple(name for name in ("br", "gzip") if name in accepted)


def content_type(file):
    name = file.name
    if name in FEED_TYPES:
        return FEED_TYPES[name]
    suffix = file.suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def not_modified(environ, etag, mtime):
    match = environ.get("HTTP_IF_NONE_MATCH")
    if match is not None:
        return etag in [tag.strip() for tag in match.split(",")] or match.strip() == "*"
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since:
        try:
            return int(mtime) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, OverflowError):
            return False
    return False
