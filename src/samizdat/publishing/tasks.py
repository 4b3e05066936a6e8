"""Publishing runs in the background worker; views and signals only enqueue these.

A change reaches readers before anything else the same click queued (the search index, say):
the worker takes the highest priority first."""

from django_tasks import task

from .publish import publish_change, publish_urls
from .rebuild import rebuild_site


READERS_FIRST = 50


@task(priority=READERS_FIRST)
def publish_change_task(key, also=()):
    return publish_change(key, also=also).summary()


@task(priority=READERS_FIRST)
def publish_urls_task(urls):
    return publish_urls(urls).summary()


@task()
def rebuild_site_task():
    return rebuild_site().summary()
