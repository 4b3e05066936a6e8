from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "samizdat.media"
    verbose_name = _("Photos and documents")

    def ready(self):
        # Imported here, not at the top: Wagtail's models are not loaded when apps.py is imported.
        from wagtail.images import get_image_model

        from .uploads import clean_before_save

        image_model = get_image_model()
        pre_save.connect(clean_before_save, sender=image_model, dispatch_uid="media-clean-image")
        pre_save.connect(clean_before_save, sender=image_model.get_rendition_model(), dispatch_uid="media-clean-rendition")
