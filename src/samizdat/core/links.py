"""The site's address: absolute links built from SITE_URL, so pages, feeds, sitemaps, mirrors and
emails agree, and a record of the address the published files were written with."""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


def address_of_server(host, port):
    """The site's address when SITE_URL is not set: where `samizdat serve` answers on HOST:PORT.
    settings.py and `serve` both ask here, so every step of `make run` names the same address."""
    # A server on every interface is reached on this machine at the loopback address.
    host = "127.0.0.1" if host in WILDCARD_HOSTS else host
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def absolute_url(path):
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + "/" + path.lstrip("/")


def site_scheme():
    return urlsplit(settings.SITE_URL).scheme or "https"


def site_domain():
    return urlsplit(settings.SITE_URL).netloc


def published_address_file():
    """Beside the output folder rather than in it: it is not a page, and goes wherever PUBLIC_DIR goes."""
    public = Path(settings.PUBLIC_DIR)
    return public.with_name(public.name + ".site-url")


def published_address():
    """The SITE_URL the current build of the public site was rendered with; None when unknown
    (nothing published yet, or published before samizdat kept this record)."""
    try:
        return published_address_file().read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def record_published_address(address=None):
    file = published_address_file()
    if address is None:
        file.unlink(missing_ok=True)
        return
    temporary = file.with_name(f".{file.name}.tmp")
    temporary.write_text(address + "\n", encoding="utf-8")
    temporary.replace(file)
