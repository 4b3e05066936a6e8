"""Staff uploading a PDF or Office file that names its author are warned, in words for a journalist."""

import zipfile
from io import BytesIO, StringIO

import pypdf
import pytest
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from wagtail.documents.models import Document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]

RISK = "Remove it before publishing if that could put someone at risk."


@pytest.fixture
def writer(client):
    user = User.objects.create_user("writer", password="correct horse battery")
    user.groups.add(Group.objects.get(name="Writers"))
    client.force_login(user)
    return user


def pdf(**metadata):
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Producer": "", **{f"/{key}": value for key, value in metadata.items()}})
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def zipped(files):
    output = BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return output.getvalue()


def docx(creator="Jane Source", last="J. Source", company="Ministry of Interior"):
    return zipped({
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "docProps/core.xml": (
            '<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:creator>{creator}</dc:creator><cp:lastModifiedBy>{last}</cp:lastModifiedBy></cp:coreProperties>"
        ),
        "docProps/app.xml": (
            '<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Company>{company}</Company><Application>Microsoft Office Word</Application></Properties>"
        ),
    })


def odt():
    return zipped({
        "mimetype": "application/vnd.oasis.opendocument.text",
        "meta.xml": (
            '<?xml version="1.0"?><office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
            ' xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            "<office:meta><meta:initial-creator>Jane Source</meta:initial-creator>"
            "<meta:generator>LibreOffice/24.2</meta:generator></office:meta></office:document-meta>"
        ),
    })


def upload(client, name, data):
    response = client.post(
        reverse("wagtaildocs:add"), {"title": "Leaked memo", "file": SimpleUploadedFile(name, data), "tags": ""}
    )
    assert response.status_code == 302, response.content[:1000]
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def test_a_pdf_naming_its_author_warns_the_uploader(client, writer):
    shown = upload(client, "memo.pdf", pdf(Author="Jane Source", Creator="Microsoft Word"))

    assert "This PDF names its author (Jane Source), the program that made it (Microsoft Word" in shown
    assert RISK in shown


def test_a_word_document_naming_people_and_an_organisation_warns_the_uploader(client, writer):
    shown = upload(client, "memo.docx", docx())

    assert "This Word document names its author (Jane Source), who last changed it (J. Source)" in shown
    assert "an organisation (Ministry of Interior)" in shown and RISK in shown


def test_an_opendocument_text_naming_its_author_warns_the_uploader(client, writer):
    shown = upload(client, "memo.odt", odt())

    assert "This document names its author (Jane Source)" in shown and RISK in shown


def test_a_pdf_without_names_gives_no_warning(client, writer):
    shown = upload(client, "memo.pdf", pdf())

    assert RISK not in shown


def test_editing_the_document_warns_again(client, writer):
    upload(client, "memo.pdf", pdf(Author="Jane Source"))
    document = Document.objects.get()

    response = client.post(reverse("wagtaildocs:edit", args=[document.pk]), {"title": "Memo", "tags": ""})

    shown = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert "This PDF names its author (Jane Source)" in shown


@pytest.mark.parametrize("name,data", [
    ("bomb.docx", zipped({"docProps/core.xml": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                                                '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>'})),
    ("broken.docx", b"PK\x03\x04 not really a zip"),
    ("broken.pdf", b"%PDF-1.7\n garbage"),
])
def test_a_hostile_or_broken_file_is_stored_without_a_warning_or_an_error(client, writer, name, data):
    shown = upload(client, name, data)

    assert RISK not in shown
    assert Document.objects.count() == 1


def test_media_documents_lists_stored_files_that_name_people():
    named = Document.objects.create(title="Memo", file=ContentFile(docx(), name="memo.docx"))
    Document.objects.create(title="Plain", file=ContentFile(pdf(), name="plain.pdf"))
    output = StringIO()

    call_command("media", "documents", stdout=output)

    assert f"{named.pk} {named.file.name}: names its author (Jane Source)" in output.getvalue()
    assert "plain.pdf" not in output.getvalue()
    assert "1 document(s) name someone or something" in output.getvalue()
