from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NewsConfig(AppConfig):
    name = "samizdat.news"
    label = "news"
    verbose_name = "News"

    def ready(self):
        from wagtail.signals import copy_for_translation_done

        from .permissions import apply_newsroom_permissions
        from .translation_copies import bylines_in_its_edition

        post_migrate.connect(apply_newsroom_permissions, sender=self)
        copy_for_translation_done.connect(bylines_in_its_edition)
