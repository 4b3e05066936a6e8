"""Photos uploaded through the admin lose their location and camera, in the original and every rendition."""

from io import BytesIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images.models import Image

from samizdat.news.importing import import_directory
from samizdat.news.models import ArticlePage

from .pictures import phone_mpo, tagged_photo, telltales_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]

# The renditions pages, feeds and emails ask for (templates of news and newsletter).
SITE_RENDITIONS = [
    "width-480", "width-800", "width-1200", "width-1600", "width-600",
    "fill-320x180", "fill-640x360", "fill-1200x630", "fill-160x160",
]
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


@pytest.fixture
def writer(client):
    user = User.objects.create_user("writer", password="correct horse battery")
    user.groups.add(Group.objects.get(name="Writers"))
    client.force_login(user)
    return user


def upload_through_admin(client, data, name):
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Protest on the square", "file": SimpleUploadedFile(name, data), "tags": ""},
    )
    assert response.status_code == 302, response.content[:2000]
    return Image.objects.get(title="Protest on the square")


def stored(field_file):
    with open(field_file.path, "rb") as handle:
        return handle.read()


@pytest.mark.parametrize("image_format", FORMATS)
def test_a_gps_tagged_photo_uploaded_in_the_admin_keeps_no_location_or_camera(client, writer, image_format):
    photo = tagged_photo(image_format)
    assert telltales_in(photo)  # the test photo does carry them

    image = upload_through_admin(client, photo, f"square.{FORMATS[image_format]}")

    assert telltales_in(stored(image.file)) == []
    for spec in SITE_RENDITIONS:
        assert telltales_in(stored(image.get_rendition(spec).file)) == [], spec


def test_the_colour_profile_is_kept(client, writer):
    photo = tagged_photo("JPEG")
    with PILImage.open(BytesIO(photo)) as uploaded:
        profile = uploaded.info["icc_profile"]

    image = upload_through_admin(client, photo, "square.jpg")

    with PILImage.open(image.file.path) as original:
        assert original.info.get("icc_profile") == profile


def test_a_photo_taken_holding_the_phone_upright_stays_upright(client, writer):
    # Stored 600x400 with orientation 6: shown turned a quarter clockwise, 400 wide and 600 high.
    image = upload_through_admin(client, tagged_photo("JPEG", orientation=6), "portrait.jpg")

    assert (image.width, image.height) == (400, 600)
    for field_file in [image.file, image.get_rendition("width-200").file]:
        with PILImage.open(field_file.path) as shown:
            assert 0x0112 not in shown.getexif()
            width, height = shown.size
            assert height > width
            # The blue corner, top-left as stored, is top-right once turned.
            red, _, blue = shown.getpixel((width - 5, 5))
            assert blue > 150 and red < 100
            red, _, blue = shown.getpixel((5, 5))
            assert red > 150


def test_a_phone_photo_with_a_second_picture_inside_is_stored_upright_as_one_clean_jpeg(client, writer):
    photo = phone_mpo(orientation=6)  # 600x400 as stored, shown 400 wide and 600 high
    with PILImage.open(BytesIO(photo)) as uploaded:
        assert uploaded.format == "MPO" and uploaded.n_frames == 2 and "GPS" in telltales_in(photo)

    image = upload_through_admin(client, photo, "portrait.jpg")

    assert (image.width, image.height) == (400, 600)
    data = stored(image.file)
    assert telltales_in(data) == [] and b"Exif" not in data and b"MPF" not in data
    with PILImage.open(BytesIO(data)) as shown:
        assert shown.format == "JPEG" and getattr(shown, "n_frames", 1) == 1
        assert 0x0112 not in shown.getexif() and shown.size == (400, 600)
        red, _, blue = shown.getpixel((395, 5))  # the blue corner, top-left as stored, is top-right
        assert blue > 150 and red < 100
    # Turned, it is encoded again at the quality of any turned JPEG, not Pillow's default 75.
    at_90 = BytesIO()
    PILImage.new("RGB", (16, 16)).save(at_90, "JPEG", quality=90)
    with PILImage.open(BytesIO(data)) as shown, PILImage.open(at_90) as reference:
        assert shown.quantization == reference.quantization
    for spec in ["width-200", "fill-320x180"]:
        assert telltales_in(stored(image.get_rendition(spec).file)) == [], spec


def test_an_upright_phone_photo_keeps_its_jpeg_quality(client, writer):
    photo = phone_mpo(orientation=1)
    with PILImage.open(BytesIO(photo)) as uploaded:
        tables = uploaded.quantization

    image = upload_through_admin(client, photo, "landscape.jpg")

    with PILImage.open(image.file.path) as shown:
        assert shown.format == "JPEG" and shown.size == (600, 400) and shown.quantization == tables
        assert telltales_in(stored(image.file)) == []


def test_a_photo_stored_before_cleaning_still_gets_clean_renditions(writer):
    image = Image.objects.create(title="Old upload", file=SimpleUploadedFile("old.jpg", tagged_photo()))
    with open(image.file.path, "wb") as handle:  # as uploads were kept before this release
        handle.write(tagged_photo())

    assert telltales_in(stored(image.get_rendition("width-480").file)) == []


def test_a_duplicate_upload_is_still_recognised(client, writer):
    photo = tagged_photo()
    first = upload_through_admin(client, photo, "square.jpg")
    response = client.post(
        reverse("wagtailimages:add_multiple"), {"files[]": SimpleUploadedFile("again.jpg", photo)}
    )

    assert response.json()["duplicate"] is True, response.json()
    assert first.file_hash


def test_a_writer_can_upload_an_unchanged_clean_photo_byte_for_byte(client, writer):
    clean = BytesIO()
    PILImage.new("RGB", (300, 200), (10, 200, 10)).save(clean, "JPEG", quality=95)

    image = upload_through_admin(client, clean.getvalue(), "clean.jpg")

    assert stored(image.file) == clean.getvalue()


def test_a_photo_imported_with_a_markdown_article_keeps_no_location_and_is_found_again(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "square.jpg").write_bytes(tagged_photo())
    (tmp_path / "protest.md").write_text(
        "---\ntitle: Protest on the square\nsection: News\ndate: 2026-01-10T08:00\nimage: images/square.jpg\n---\n\nThey came.\n",
        encoding="utf-8",
    )

    import_directory(tmp_path)
    import_directory(tmp_path)

    image = ArticlePage.objects.get().lead_image
    assert telltales_in(stored(image.file)) == []
    assert telltales_in(stored(image.get_rendition("width-800").file)) == []
    assert Image.objects.count() == 1  # the second import recognised the photo it stored cleaned


def test_a_damaged_gps_tagged_photo_is_refused_with_a_reason_not_stored(client, writer):
    photo = tagged_photo(size=(1200, 800))
    truncated = photo[: len(photo) * 2 // 3]

    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Cut short", "file": SimpleUploadedFile("cut.jpg", truncated), "tags": ""},
    )

    assert response.status_code == 200
    assert "This picture is damaged" in response.content.decode()
    assert not Image.objects.filter(title="Cut short").exists()
