"""A mirror copies what anyone may read: never a file from /media/documents/."""

import pytest

from samizdat.publishing.mirror import build_mirror
from samizdat.publishing.rebuild import rebuild_site
from tests.factories import make_article, make_section

from .documents import restricted_and_public_documents

pytestmark = pytest.mark.django_db


def test_a_page_linking_straight_to_a_restricted_file_does_not_carry_it_into_a_mirror(public, settings, tmp_path):
    settings.PUBLISHING_ENABLED = False
    secret, _ = restricted_and_public_documents()
    # A raw link pasted into an article, as a writer might copy it from the address bar.
    make_article(make_section("News"), "Court filing", body=[("paragraph", f'<p><a href="/media/{secret.file.name}">filing</a></p>')])
    rebuild_site()

    report = build_mirror(tmp_path / "mirror", "https://mirror.example")

    assert not (tmp_path / "mirror/media/documents").exists()
    assert f"/media/{secret.file.name}" in report.missing_assets
