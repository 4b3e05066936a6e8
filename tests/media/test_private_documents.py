"""A document in a restricted collection is never served from the media folder; public ones still download."""

from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse

from samizdat.publishing.serving import StaticFirst

from .documents import PUBLIC, SECRET, media_addresses, restricted_and_public_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents():
    return restricted_and_public_documents()


def test_a_restricted_document_asks_for_a_login_and_a_public_one_downloads(client, documents):
    secret, public = documents

    response = client.get(secret.url)
    assert response.status_code == 302 and response.url.startswith(reverse("wagtailcore_login"))

    response = client.get(public.url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PUBLIC


def test_no_document_is_served_from_the_media_folder_by_django(client, documents):
    for document in documents:
        for address in media_addresses(document):
            response = client.get(address)
            assert response.status_code == 404, address
            assert SECRET not in response.content


def call(app, path):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    answer = {}
    body = b"".join(app(environ, lambda status, headers, *_: answer.update(status=status)))
    return int(answer["status"].split()[0]), body


# Django's WSGI handler closes a connection left in a transaction after each request, as a server does.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_document_is_served_from_the_media_folder_by_the_fast_path(documents, settings):
    fast_path = StaticFirst(WSGIHandler())
    secret, public = documents

    for document in documents:
        for address in media_addresses(document):
            status, body = call(fast_path, address)
            assert status == 404 and SECRET not in body and PUBLIC not in body, address
    status, body = call(fast_path, secret.url)
    assert status == 302 and SECRET not in body


def test_a_logged_in_editor_opens_the_restricted_document(client, documents, django_user_model):
    secret, _ = documents
    client.force_login(django_user_model.objects.create_user("editor", password="correct horse battery"))

    response = client.get(secret.url)

    assert response.status_code == 200 and b"".join(response.streaming_content) == SECRET
