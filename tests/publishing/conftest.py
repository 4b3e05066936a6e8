import pytest


@pytest.fixture
def public(settings, tmp_path):
    """Publishing on, into a fresh output folder; returns a reader of published files."""
    settings.PUBLISHING_ENABLED = True
    settings.PUBLIC_DIR = tmp_path / "public"
    return PublicFolder(tmp_path / "public")


class PublicFolder:
    def __init__(self, path):
        self.path = path

    def file(self, url):
        from samizdat.publishing.output import relative_file

        return self.path / relative_file(url)

    def has(self, url):
        return self.file(url).is_file()

    def text(self, url):
        return self.file(url).read_text(encoding="utf-8")

    def files(self):
        return sorted(
            str(p.relative_to(self.path.resolve())) for p in self.path.resolve().rglob("*") if p.is_file() and p.suffix not in (".gz", ".br")
        )
