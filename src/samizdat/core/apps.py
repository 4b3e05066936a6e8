from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samizdat.core"
    label = "core"
    verbose_name = "Site"

    def ready(self):
        from . import logs

        logs.install()
