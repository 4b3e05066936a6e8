from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "samizdat.publishing"
    label = "publishing"
    verbose_name = "Static publishing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals

        signals.connect()
