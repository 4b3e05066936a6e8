from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NewsConfig(AppConfig):
    name = "samizdat.news"
    label = "news"
    verbose_name = "News"

    def ready(self):
        from .permissions import apply_newsroom_permissions

        post_migrate.connect(apply_newsroom_permissions, sender=self)
