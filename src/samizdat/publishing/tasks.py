"""Publishing runs in the background worker; views and signals only enqueue these."""

from django_tasks import task

from .publish import publish_change, publish_urls
from .rebuild import rebuild_site


@task()
def publish_change_task(key, also=()):
    return publish_change(key, also=also).summary()


@task()
def publish_urls_task(urls):
    return publish_urls(urls).summary()


@task()
def rebuild_site_task():
    return rebuild_site().summary()
