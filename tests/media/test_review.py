"""A writer can't change or delete a photo or document once something uses it, live or not; editors can."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import ReferenceIndex

from tests.factories import make_article, make_section

from .pictures import picture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


def staff(username, group):
    user = User.objects.create_user(username, password="correct horse battery")
    user.groups.add(Group.objects.get(name=group))
    return user


def jpeg(colour, size=(800, 450)):
    image = picture(size)
    image.paste(colour, (0, 0, size[0], size[1]))
    output = BytesIO()
    image.save(output, "JPEG")
    return output.getvalue()


def upload(client, user, title, colour):
    client.force_login(user)
    response = client.post(
        reverse("wagtailimages:add"), {"title": title, "file": SimpleUploadedFile(f"{title}.jpg", jpeg(colour)), "tags": ""}
    )
    assert response.status_code == 302
    return Image.objects.get(title=title)


def replace_file(client, user, image, colour, title=None):
    client.force_login(user)
    return client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": title or image.title, "file": SimpleUploadedFile("replacement.jpg", jpeg(colour)), "tags": ""},
    )


def stored(image):
    image.refresh_from_db()
    with open(image.file.path, "rb") as handle:
        return image.file.name, handle.read()


@pytest.fixture
def writer():
    return staff("writer", "Writers")


@pytest.fixture
def editor():
    return staff("editor", "Editors")


@pytest.fixture
def live_photo(client, writer, public):
    """A writer's photo, then published by an editor as an article's lead image."""
    image = upload(client, writer, "Crowd at the station", (30, 120, 30))
    article = make_article(make_section("News"), "Crowds at the station", image=image)
    return image, article


def test_a_writers_replacement_of_a_live_photo_is_refused_with_a_reason(client, writer, live_photo, public):
    image, article = live_photo
    before, page_before = stored(image), public.text(article.url)

    response = replace_file(client, writer, image, (200, 0, 0))

    assert response.status_code == 302 and response.url == reverse("wagtailimages:index")
    messages = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert "“Crowd at the station” is already used" in messages
    assert "so only an editor can change or delete it" in messages
    assert stored(image) == before
    assert public.text(article.url) == page_before
    assert image.get_rendition("width-800").url in page_before


def test_a_writer_cannot_delete_a_live_photo(client, writer, live_photo):
    image, _ = live_photo
    client.force_login(writer)

    response = client.post(reverse("wagtailimages:delete", args=[image.pk]))

    assert response.status_code == 302
    assert Image.objects.filter(pk=image.pk).exists()


def test_an_editors_replacement_of_a_live_photo_goes_through(
    client, editor, live_photo, public, django_capture_on_commit_callbacks
):
    image, article = live_photo
    before, page_before = stored(image), public.text(article.url)

    with django_capture_on_commit_callbacks(execute=True):
        response = replace_file(client, editor, image, (200, 0, 0))

    assert response.status_code == 302 and response.url == reverse("wagtailimages:index")
    assert stored(image) != before
    # Wagtail deletes the old renditions only after saving the image: the page is published again
    # once they are gone, so it never keeps pointing at deleted files.
    page_after = public.text(article.url)
    assert page_after != page_before
    assert image.get_rendition("width-800").url in page_after


def test_a_writer_edits_and_deletes_a_new_unused_photo_of_their_own(client, writer, live_photo):
    image = upload(client, writer, "Empty platform", (0, 0, 200))
    before = stored(image)

    response = replace_file(client, writer, image, (200, 200, 0), title="Empty platform at dawn")

    assert response.status_code == 302 and response.url == reverse("wagtailimages:index")
    assert stored(image) != before and image.title == "Empty platform at dawn"
    client.post(reverse("wagtailimages:delete", args=[image.pk]))
    assert not Image.objects.filter(pk=image.pk).exists()


def in_a_draft(image, editor):
    make_article(make_section("News"), "Not yet out", image=image, live=False)


def in_a_draft_of_a_live_page(image, editor):
    """The live page doesn't show it yet: only its latest revision does."""
    article = make_article(make_section("News"), "Out already")
    article.lead_image = image
    article.save_revision(user=editor)


def in_a_scheduled_page(image, editor):
    """Approved by an editor to go live tomorrow: not live yet."""
    article = make_article(make_section("News"), "Out tomorrow", live=False)
    article.lead_image = image
    article.go_live_at = timezone.now() + timedelta(days=1)
    article.save_revision(user=editor).publish(user=editor)
    article.refresh_from_db()
    assert not article.live and article.revisions.filter(approved_go_live_at__isnull=False).exists()


def in_a_scheduled_change_to_a_live_page(image, editor):
    article = make_article(make_section("News"), "Out already")
    article.lead_image = image
    article.go_live_at = timezone.now() + timedelta(days=1)
    article.save_revision(user=editor).publish(user=editor)
    article.refresh_from_db()
    assert article.live and article.lead_image is None


def in_a_page_in_moderation(image, editor):
    article = make_article(make_section("News"), "Out already")
    article.lead_image = image
    article.save_revision(user=editor)
    article.get_workflow().start(article, editor)
    article.refresh_from_db()
    assert article.workflow_in_progress and article.lead_image is None


@pytest.mark.parametrize(
    "use",
    [in_a_draft, in_a_draft_of_a_live_page, in_a_scheduled_page, in_a_scheduled_change_to_a_live_page, in_a_page_in_moderation],
)
def test_a_writers_photo_used_by_a_page_not_live_is_held_too(client, writer, editor, use):
    image = upload(client, writer, "Draft picture", (0, 0, 200))
    use(image, editor)
    before = stored(image)

    response = replace_file(client, writer, image, (200, 200, 0))

    assert response.status_code == 302 and response.url == reverse("wagtailimages:index")
    messages = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert "“Draft picture” is already used" in messages
    assert stored(image) == before
    client.post(reverse("wagtailimages:delete", args=[image.pk]))
    assert Image.objects.filter(pk=image.pk).exists()


def test_a_live_photo_is_held_before_the_reference_index_catches_up(client, writer, live_photo):
    image, article = live_photo
    ReferenceIndex.remove_for_object(article)  # as before the background task that indexes it runs
    before = stored(image)

    replace_file(client, writer, image, (200, 0, 0))

    assert stored(image) == before


def test_an_editor_still_replaces_a_photo_in_a_scheduled_page(client, writer, editor):
    image = upload(client, writer, "Draft picture", (0, 0, 200))
    in_a_scheduled_page(image, editor)
    before = stored(image)

    response = replace_file(client, editor, image, (200, 200, 0))

    assert response.status_code == 302 and stored(image) != before


def test_a_writer_cannot_replace_a_document_a_live_page_links_to(client, writer, editor):
    client.force_login(writer)
    client.post(reverse("wagtaildocs:add"), {"title": "Budget", "file": SimpleUploadedFile("budget.pdf", b"%PDF-1.4 old"), "tags": ""})
    document = Document.objects.get(title="Budget")
    make_article(make_section("News"), "The budget", body=[("paragraph", f'<p><a linktype="document" id="{document.pk}">Budget</a></p>')])

    response = client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {"title": "Budget", "file": SimpleUploadedFile("budget.pdf", b"%PDF-1.4 forged"), "tags": ""},
    )

    assert response.status_code == 302 and response.url == reverse("wagtaildocs:index")
    document.refresh_from_db()
    with document.file.open() as handle:
        assert handle.read() == b"%PDF-1.4 old"
    client.force_login(editor)
    client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {"title": "Budget", "file": SimpleUploadedFile("budget.pdf", b"%PDF-1.4 corrected"), "tags": ""},
    )
    document.refresh_from_db()
    with document.file.open() as handle:
        assert handle.read() == b"%PDF-1.4 corrected"


def test_a_writer_retitles_their_new_photo_without_sending_a_file(client, writer):
    image = upload(client, writer, "Empty platform", (0, 0, 200))
    before = stored(image)

    response = client.post(reverse("wagtailimages:edit", args=[image.pk]), {"title": "Platform 2", "tags": ""})

    assert response.status_code == 302
    assert stored(image) == before and image.title == "Platform 2"
