"""Image files next to the Markdown: checked before anything is saved, stored once per content."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image

from .fields import Rejected, shown

# What Wagtail can make renditions of (settings.WAGTAILIMAGES_EXTENSIONS), as Pillow names them.
FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
MAX_PIXELS = 128_000_000  # Wagtail's own upload limit (WAGTAILIMAGES_MAX_IMAGE_PIXELS)


@dataclass(frozen=True)
class LocalImage:
    path: Path
    sha1: str
    title: str


def find_image(reference, *, field, markdown_file, root):
    """The image file `reference` points to, relative to the Markdown file, checked to be an image.

    A leading "/" means the import folder, the way Hugo's static files are referenced. Paths may
    not leave the import folder: an article can't pull in /etc/passwd or a neighbour's files.
    """
    if not isinstance(reference, str) or not reference.strip():
        raise Rejected(field, "must be the path of an image file")
    reference = reference.strip()
    if "://" in reference:
        raise Rejected(field, f"{shown(reference)} is a web address; save the image in the import folder")
    root = root.resolve()
    if reference.startswith("/"):
        candidate = root / reference.lstrip("/")
    else:
        candidate = markdown_file.parent / reference
    path = candidate.resolve()
    if not path.is_relative_to(root):
        raise Rejected(field, f"{shown(reference)} is outside the import folder")
    if not path.is_file():
        raise Rejected(field, f"{shown(reference)} not found (looked for {path})")
    _check_opens(path, reference, field)
    return LocalImage(path=path, sha1=_sha1(path), title=path.stem.replace("-", " ").replace("_", " "))


def _check_opens(path, reference, field):
    try:
        with PILImage.open(path) as picture:
            image_format = picture.format
            width, height = picture.size
            picture.verify()
    except Exception:
        # Pillow raises many kinds of errors for broken files; for the person importing they all
        # mean the same thing.
        raise Rejected(field, f"{shown(reference)} is not an image file that can be opened") from None
    if image_format not in FORMATS:
        raise Rejected(field, f"{shown(reference)} is a {image_format} image; use JPEG, PNG, GIF or WebP")
    if width * height > MAX_PIXELS:
        raise Rejected(field, f"{shown(reference)} is {width}x{height} pixels; the limit is 128 megapixels")


def _sha1(path):
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, hashlib.sha1).hexdigest()


def wagtail_image(local, title, created_files):
    """The Wagtail Image holding this file's content, made if no image has the same content yet.

    Wagtail's file_hash is the SHA-1 of the file, so a re-import finds the image it made before.
    Files written here are listed in `created_files` so a failed import can remove them.
    """
    existing = Image.objects.filter(file_hash=local.sha1).order_by("pk").first()
    if existing:
        return existing
    with local.path.open("rb") as handle:
        image = Image(
            title=(title or local.title)[:255],
            file=ImageFile(handle, name=local.path.name),
            file_size=local.path.stat().st_size,
            file_hash=local.sha1,
        )
        image.save()
    created_files.append(image.file.name)
    return image
