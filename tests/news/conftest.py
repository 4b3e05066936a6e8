"""Helpers for the reader-facing tests: a newsroom built once per module, and ways to read pages."""

from contextlib import contextmanager
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from wagtail.models import Site

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@contextmanager
def built_once(django_db_blocker, media_root):
    """Room for a module's shared newsroom: built in one transaction that is rolled back at the end,
    so the next module starts from the empty site. Each test still runs in its own savepoint."""
    with (
        override_settings(MEDIA_ROOT=media_root, TASKS=IMMEDIATE_TASKS, PUBLISHING_ENABLED=False),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        try:
            yield
        finally:
            transaction.set_rollback(True)
    # Wagtail caches the site's root paths; after a rollback the cache could name pages that are gone.
    Site.clear_site_root_paths_cache()


def render_once(*urls):
    """Request pages while a module's newsroom is being built, so their image renditions belong to
    the module's transaction: made inside a test, they would be rolled back and made again."""
    client = Client()
    for url in urls:
        assert client.get(url).status_code == 200, url


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory):
    """Uploads for a module's shared newsroom. A module using one overrides `media_in_tmp` to
    point here, so renditions are made from the originals it built."""
    return tmp_path_factory.mktemp("media")


def soup(response, status=200):
    assert response.status_code == status, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def xml(response):
    assert response.status_code == 200, response.status_code
    return ElementTree.fromstring(response.content)


def text(response):
    return response.content.decode()
