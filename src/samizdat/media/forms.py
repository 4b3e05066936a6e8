"""The admin's image form (Wagtail's WAGTAILIMAGES_IMAGE_FORM_BASE): a picture that carries
metadata is cleaned as it is checked, and a damaged one is refused with the reason, not a 500
(Willow decodes some pictures whole to check their size, and Pillow raises on a truncated one).

Every upload in the admin (the add form, the multiple uploader, the chooser's upload) goes
through it; the `pre_save` receiver in uploads.py then finds the file clean and leaves it.
"""

import os

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from .metadata import DamagedPicture, without_metadata

DAMAGED = _("This picture is damaged: it could not be read to the end. Export or save it again and upload the new file.")


class PictureField(WagtailImageField):
    def to_python(self, data):
        try:
            return super().to_python(data)
        except (OSError, SyntaxError) as error:  # Pillow's errors for a broken file
            raise ValidationError(DAMAGED, code="damaged") from error


class PictureForm(BaseImageForm):
    file = PictureField(label=_("File"), widget=BaseImageForm.Meta.widgets["file"])

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload or "file" not in self.changed_data:
            return upload
        upload.seek(0)
        try:
            cleaned = without_metadata(upload.read())
        except DamagedPicture:
            raise ValidationError(DAMAGED, code="damaged") from None
        upload.seek(0)
        if cleaned is None:
            return upload
        return SimpleUploadedFile(os.path.basename(upload.name), cleaned, upload.content_type)
