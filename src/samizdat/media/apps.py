from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "samizdat.media"
    verbose_name = _("Photos and documents")

    def ready(self):
        # Imported here, not at the top: Wagtail's models are not loaded when apps.py is imported.
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.permissions import register_permission_policy

        from .document_warnings import note_saved_document
        from .review import ReviewedMediaPermissionPolicy
        from .uploads import clean_before_save

        image_model, document_model = get_image_model(), get_document_model()
        # exact_class: wagtail.images and wagtail.documents register their own policy after this
        # app is ready (they come later in INSTALLED_APPS); an exact registration is looked up first.
        for model, auth_model in [(image_model, "wagtailimages.Image"), (document_model, "wagtaildocs.Document")]:
            register_permission_policy(model, ReviewedMediaPermissionPolicy(model, auth_model=auth_model), exact_class=True)
        pre_save.connect(clean_before_save, sender=image_model, dispatch_uid="media-clean-image")
        pre_save.connect(clean_before_save, sender=image_model.get_rendition_model(), dispatch_uid="media-clean-rendition")
        post_save.connect(note_saved_document, sender=document_model, dispatch_uid="media-document-warnings")
