import pytest


@pytest.fixture(autouse=True)
def run_tasks_at_once(settings):
    """Background tasks (search indexing, publishing) run inside the test, as they are enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def publishing_off(settings, tmp_path):
    """Most tests are about pages as Django renders them; tests/publishing/ turns publishing on."""
    settings.PUBLISHING_ENABLED = False
    settings.PUBLIC_DIR = tmp_path / "public"
    settings.PUBLISH_PROCESSES = 1
