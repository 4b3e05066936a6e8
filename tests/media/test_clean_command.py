"""`samizdat media clean`: photos stored before uploads were cleaned lose their metadata in place."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from wagtail.images.models import Image

from .pictures import phone_mpo, tagged_photo, telltales_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


def write_dirty(field_file, data):
    """As the file was left by an older samizdat, which kept what the camera wrote."""
    with open(field_file.path, "wb") as handle:
        handle.write(data)


def media_clean():
    output = StringIO()
    call_command("media", "clean", stdout=output)
    return output.getvalue()


def test_clean_strips_originals_and_renditions_in_place_and_says_so():
    image = Image.objects.create(title="Square", file=SimpleUploadedFile("square.jpg", tagged_photo()))
    rendition = image.get_rendition("width-480")
    write_dirty(image.file, tagged_photo(orientation=6))
    write_dirty(rendition.file, tagged_photo("JPEG", size=(480, 320)))

    report = media_clean()

    for path in [image.file.path, rendition.file.path]:  # same names: published pages still find them
        with open(path, "rb") as handle:
            assert telltales_in(handle.read()) == []
    assert f"cleaned {image.file.name}: " in report and "exif" in report
    assert f"cleaned {rendition.file.name}: " in report
    assert "2 file(s) cleaned; 1 original(s) and 1 rendition(s) checked." in report
    image.refresh_from_db()
    assert (image.width, image.height) == (400, 600)


def test_clean_run_again_changes_nothing():
    image = Image.objects.create(title="Square", file=SimpleUploadedFile("square.jpg", tagged_photo()))
    write_dirty(image.file, tagged_photo())
    media_clean()
    with open(image.file.path, "rb") as handle:
        once = handle.read()

    report = media_clean()

    with open(image.file.path, "rb") as handle:
        assert handle.read() == once
    assert report.startswith("0 file(s) cleaned")


def test_a_phone_photo_with_a_second_picture_inside_is_cleaned_once_and_upright():
    image = Image.objects.create(title="Portrait", file=SimpleUploadedFile("portrait.jpg", tagged_photo()))
    write_dirty(image.file, phone_mpo(orientation=6))

    first = media_clean()
    with open(image.file.path, "rb") as handle:
        once = handle.read()
    second = media_clean()

    assert f"cleaned {image.file.name}: " in first and telltales_in(once) == []
    with open(image.file.path, "rb") as handle:
        assert handle.read() == once
    assert second.startswith("0 file(s) cleaned")
    image.refresh_from_db()
    assert (image.width, image.height) == (400, 600)
