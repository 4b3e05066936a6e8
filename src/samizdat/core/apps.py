from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "samizdat.core"
    label = "core"
    verbose_name = "Site"

    def ready(self):
        from . import logs
        from .editions import create_locales

        logs.install()
        post_migrate.connect(create_locales, sender=self)
