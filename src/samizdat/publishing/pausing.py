"""Whether changes publish now: off in settings, or paused while bulk changes run."""

import threading
from contextlib import contextmanager

from django.conf import settings

_paused = threading.local()


@contextmanager
def paused():
    """Publish nothing while bulk changes run (loading the demo); rebuild afterwards."""
    before = getattr(_paused, "value", False)
    _paused.value = True
    try:
        yield
    finally:
        _paused.value = before


def active():
    return settings.PUBLISHING_ENABLED and not getattr(_paused, "value", False)
