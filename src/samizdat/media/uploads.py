"""Every picture is stored clean: originals when they are saved, whatever saved them (the admin's
upload forms, the Markdown importer, the demo loader), and renditions as Wagtail makes them.

A `pre_save` receiver rather than a form: the importer and the demo loader save images without
a form, and the admin's multiple upload stores the file before the form is saved.
"""

import os
import tempfile
from io import BytesIO
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image

from .metadata import metadata_in, without_metadata


def read(field_file, stored):
    if stored:  # read apart, so no handle stays open on the model's file
        with field_file.storage.open(field_file.name, "rb") as handle:
            return handle.read()
    field_file.open("rb")
    field_file.seek(0)
    data = field_file.read()
    field_file.seek(0)
    return data


def replace_stored_file(storage, name, data):
    """Write `data` over the stored file `name`, all at once: a reader gets the old file or the new one."""
    path = Path(storage.path(name))
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".clean-", delete=False) as temporary:
        temporary.write(data)
    os.chmod(temporary.name, path.stat().st_mode & 0o777)
    os.replace(temporary.name, path)


def clean_file_of(instance):
    """Strip the metadata of the picture `instance.file`; returns what there was (empty: nothing).

    A file not yet stored is replaced before it is written; a stored one is rewritten in place
    under the same name, so pages that link to it keep working. Width, height and size follow
    the cleaned picture (an upright portrait was stored as a turned landscape).
    """
    field_file = instance.file
    if not field_file:
        return set()
    # A file just uploaded carries its bare name (photo.jpg) until Django stores it in its folder
    # (original_images/, images/).
    stored = bool(os.path.dirname(field_file.name)) and field_file.storage.exists(field_file.name)
    try:
        data = read(field_file, stored)
    except FileNotFoundError:
        return set()
    cleaned = without_metadata(data)
    if cleaned is None:
        return set()
    if stored:
        replace_stored_file(field_file.storage, field_file.name, cleaned)
        field_file.close()  # a handle opened before still reads the file that was replaced
    else:
        instance.file = ContentFile(cleaned, name=os.path.basename(field_file.name))
    with Image.open(BytesIO(cleaned)) as picture:
        instance.width, instance.height = picture.size
    if hasattr(instance, "file_size"):
        instance.file_size = len(cleaned)
    return metadata_in(data)


def clean_before_save(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and "file" not in update_fields:
        return
    clean_file_of(instance)
