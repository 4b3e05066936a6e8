"""Behind docs/deploy.md's nginx: restricted documents only through the app's check, sent by nginx."""

import pytest

from tests.publishing.test_nginx import get, nginx  # noqa: F401 (the fixture)

from .documents import PUBLIC, SECRET, media_addresses, restricted_and_public_documents

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def x_accel(settings):
    """As settings.py does when nginx serves media (SERVE_MEDIA=false)."""
    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    settings.SENDFILE_ROOT = settings.MEDIA_ROOT / "documents"
    settings.SENDFILE_URL = "/internal-documents"


def test_nginx_serves_no_document_from_the_media_folder_and_public_ones_through_the_app(x_accel, nginx):  # noqa: F811
    secret, public = restricted_and_public_documents()

    for document in (secret, public):
        for address in media_addresses(document):
            status, _, body = get(nginx + address)
            assert status == 404, address
            assert SECRET.decode() not in body and PUBLIC.decode() not in body
    status, _, body = get(nginx + "/internal-documents/court-filing.pdf")
    assert status == 404 and SECRET.decode() not in body

    status, _, body = get(nginx + secret.url)  # urllib follows the redirect to the login form
    assert status == 200 and "Court filing" not in body and SECRET.decode() not in body
    assert "password" in body.lower()

    status, headers, body = get(nginx + public.url)
    assert status == 200 and body == PUBLIC.decode()
    assert headers["Cache-Control"] == "private, no-store"  # sent by nginx's internal location
    assert headers["Content-Security-Policy"] == "default-src 'none'"
    assert "attachment" in headers["Content-Disposition"] or "inline" in headers["Content-Disposition"]
