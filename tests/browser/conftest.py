"""Playwright against Debian's Chromium and pytest-django's live server.

Mark every browser test module `pytestmark = pytest.mark.browser`: scripts/run-tests leaves them
out of the PostgreSQL pass.
The browser is /usr/bin/chromium from Debian (scripts/install-test-deps); Playwright never
downloads one. The page fixture records what a reader's browser did: each request, each failed
response and each console or script error, so a test can say "nothing broke, nothing left the site".
"""

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an asyncio event loop in the test's thread. Django sees that loop and
# refuses ORM calls from the thread (SynchronousOnlyOperation), though the calls are synchronous
# and no coroutine runs meanwhile. The tests build their content through the ORM, so allow it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# The live server listens on 127.0.0.1 (not "localhost", which the browser may try as ::1 first).
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Chromium's own calls home (updates, sync, safe browsing lists) would be refused by the closed
    # network and show up as noise; the tests must see only the page's own requests.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    # CI containers often have a small /dev/shm; Chromium then crashes on long pages.
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def chromium(live_server):
    """A Chromium for one test.

    Per test, not per module: while Playwright runs, Django's connection handler sees an event loop
    and hands this thread other connection objects than the ones pytest-django set the test
    database up with. Started after the test's database setup and stopped before its teardown,
    Playwright leaves that setup and teardown (flush, serialized_rollback) on the usual connections.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-test-deps (make system-test-deps)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()  # the ones opened for ORM calls made while Playwright ran


@dataclass
class ReaderBrowser:
    """A page plus what it did since it opened: requests, failed responses, errors."""

    page: object
    server_url: str
    requests: list = field(default_factory=list)
    bad_responses: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)

    def open(self, path):
        response = self.page.goto(self.server_url + path)
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        return response

    def screenshot(self, name):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=ARTIFACTS / name, full_page=True)

    def foreign_requests(self):
        """Requests to anywhere but the live server: a font CDN, an analytics script, a stray host."""
        own = urlsplit(self.server_url).netloc
        return [url for url in self.requests if urlsplit(url).netloc != own]

    def problems(self):
        """Everything a reader would notice going wrong, by kind; all empty when the page is sound."""
        return {
            "requests to other hosts": self.foreign_requests(),
            "error responses": self.bad_responses,
            "failed requests": self.failed_requests,
            "console errors": self.console_errors,
            "page errors": self.page_errors,
        }


def _plain_static_names(settings):
    """pytest-django's live server serves /static/ from the apps' folders, where the hashed names of
    the collected files don't exist; tests/news/test_theme.py checks those."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Wagtail's admin widgets keep the address of their script once made (a cached_property on
    # each telepath adapter): one made by an earlier test under hashed names would 404 here.
    from wagtail.admin import telepath  # after Django is set up

    for adapter in telepath.registry.adapters.values():
        adapter.__dict__.pop("media", None)


def _open_reader(chromium, live_server, **context_options):
    context = chromium.new_context(**context_options)
    page = context.new_page()
    reader = ReaderBrowser(page=page, server_url=live_server.url)
    page.on("request", lambda request: reader.requests.append(request.url))
    page.on("response", lambda response: response.status >= 400 and reader.bad_responses.append(f"{response.status} {response.url}"))
    page.on("requestfailed", lambda request: reader.failed_requests.append(f"{request.url}: {request.failure}"))
    page.on("console", lambda message: message.type == "error" and reader.console_errors.append(f"{message.text} ({message.location})"))
    page.on("pageerror", lambda error: reader.page_errors.append(str(error)))
    return context, reader


@pytest.fixture
def reader(chromium, live_server, settings):
    """A desktop browser window on the live site."""
    settings.SITE_URL = live_server.url
    _plain_static_names(settings)
    context, reader = _open_reader(chromium, live_server, **DESKTOP)
    yield reader
    context.close()


@pytest.fixture
def phone_reader(chromium, live_server, settings):
    """A 375px-wide phone screen on the live site."""
    settings.SITE_URL = live_server.url
    _plain_static_names(settings)
    context, reader = _open_reader(chromium, live_server, **PHONE)
    yield reader
    context.close()
