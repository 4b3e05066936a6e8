import pytest


@pytest.fixture(autouse=True)
def run_tasks_at_once(settings):
    """Background tasks (search indexing, publishing) run inside the test, as they are enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
