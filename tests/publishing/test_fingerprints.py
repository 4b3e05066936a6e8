"""What a kept piece is made with besides its data: a piece made with another translation is
another piece."""

from samizdat.news.teasers import TEASER_TEMPLATE
from samizdat.publishing.fingerprints import fingerprint


def catalogue(folder, content):
    """`folder` as a LOCALE_PATHS entry holding one compiled German catalogue."""
    file = folder / "de" / "LC_MESSAGES" / "django.mo"
    file.parent.mkdir(parents=True)
    file.write_bytes(content)
    return str(folder)


def test_a_changed_translation_catalogue_gives_kept_pieces_a_new_fingerprint(settings, tmp_path):
    settings.LOCALE_PATHS = [catalogue(tmp_path / "before", b"Weiterlesen")]
    before = fingerprint(TEASER_TEMPLATE)
    settings.LOCALE_PATHS = [catalogue(tmp_path / "fixed", b"Mehr lesen")]
    assert fingerprint(TEASER_TEMPLATE) != before
    settings.LOCALE_PATHS = [catalogue(tmp_path / "same-again", b"Weiterlesen")]
    assert fingerprint(TEASER_TEMPLATE) == before  # the catalogue's content, not where it lies
