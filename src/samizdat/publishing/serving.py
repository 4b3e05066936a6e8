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

from .output import UnsafePath, relative_file

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
    """What Django's SecurityMiddleware and XFrameOptionsMiddleware add to its own answers."""
    headers = [("X-Frame-Options", settings.X_FRAME_OPTIONS)]
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    return headers


class StaticFirst:
    def __init__(self, app, public_dir=None, media=None, max_age=None):
        self.app = app
        self.roots = []  # (URL prefix, folder)
        if media is None and settings.SERVE_MEDIA:
            media = (settings.MEDIA_URL, settings.MEDIA_ROOT)
        if media:
            self.roots.append((media[0], Path(media[1])))
        self.roots.append(("/", Path(public_dir or settings.PUBLIC_DIR)))
        self.max_age = settings.PUBLIC_MAX_AGE if max_age is None else max_age
        self.session_cookie = settings.SESSION_COOKIE_NAME + "="
        self.security_headers = security_headers()

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        if (
            method in ("GET", "HEAD")
            and not environ.get("QUERY_STRING")
            and self.session_cookie not in environ.get("HTTP_COOKIE", "")
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
        body, size, encoding = file, stat.st_size, None
        accepted = environ.get("HTTP_ACCEPT_ENCODING", "")
        for name, suffix in (("br", ".br"), ("gzip", ".gz")):
            if name in accepted:
                twin = file.with_name(file.name + suffix)
                try:
                    size = os.stat(twin).st_size
                except OSError:
                    continue
                body, encoding = twin, name
                break
        # Each encoding is its own representation, with its own tag.
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}{"-" + encoding if encoding else ""}"'
        headers = [
            ("Content-Type", content_type(file)),
            ("ETag", etag),
            ("Last-Modified", formatdate(stat.st_mtime, usegmt=True)),
            ("Cache-Control", f"public, max-age={self.max_age}"),
            ("Vary", "Accept-Encoding"),
            *self.security_headers,
        ]
        if not_modified(environ, etag, stat.st_mtime):
            start_response("304 Not Modified", headers)
            return []
        if encoding:
            headers.append(("Content-Encoding", encoding))
        headers.append(("Content-Length", str(size)))
        start_response("200 OK", headers)
        if head:
            return []
        handle = open(body, "rb")
        wrapper = environ.get("wsgi.file_wrapper")
        return wrapper(handle, 65536) if wrapper else iter(lambda: handle.read(65536), b"")


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
