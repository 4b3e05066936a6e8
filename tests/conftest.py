import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.test.utils import override_settings
from django.urls import clear_url_caches
from django.utils import translation

from tests.subprocesses import MigratedDatabase


# pytest-django's fixtures through which a test reaches the test database (all ask for django_db_setup).
DATABASE_FIXTURES = {"django_db_setup", "db", "transactional_db", "live_server"}


@receiver(setting_changed)
def unprefixed_edition_changed(setting, **kwargs):
    """Django reverses i18n_patterns through a cache per language holding its prefix, worked out
    from LANGUAGE_CODE once (a running site never changes it): a test that changes it must start
    it afresh, and so must the tests after it."""
    if setting in ("LANGUAGE_CODE", "LANGUAGES"):
        clear_url_caches()


@pytest.hookimpl(tryfirst=True)  # before -m picks the tests, so `-m "not no_database"` sees the mark
def pytest_collection_modifyitems(items):
    """Mark the tests that use no database `no_database`: they do the same work on SQLite and on
    PostgreSQL, so scripts/run-tests runs them in the SQLite pass only."""
    for item in items:
        if item.get_closest_marker("django_db") or item.get_closest_marker("database_server"):
            continue
        if DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.no_database)


@pytest.fixture(scope="session", autouse=True)
def static_files():
    """Pages name their styles by hashed name (site.3f2a….css), so the run collects them once."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """For tests that run a site of their own on SQLite: `migrated_database.copy_to(var)`."""
    return MigratedDatabase(tmp_path_factory.mktemp("migrated"))


@pytest.fixture(autouse=True)
def run_tasks_at_once(settings):
    """Background tasks (search indexing, publishing) run inside the test, as they are enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """Django's real hasher costs most of a second of CPU per password on purpose; tests sign in
    hundreds of times. Hashes made before (PBKDF2) still check."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(scope="module")
def search_index_not_kept():
    """For modules none of whose tests read the search index (no /search/, no admin search, no dump
    of every table): keeping it up to date is about a third of the CPU a saved story costs here (the
    SQLite backend rewrites its title norms on every save). Module-wide, so newsrooms built once for
    the module are built without it too:
    `pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]`.
    A module whose tests search, or look through every table, must not use it: a search would find
    nothing, and a test that something is not found would pass for the wrong reason."""
    backends = {name: {**backend, "AUTO_UPDATE": False} for name, backend in django_settings.WAGTAILSEARCH_BACKENDS.items()}
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        yield


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def publishing_off(settings, tmp_path):
    """Most tests are about pages as Django renders them; tests/publishing/ turns publishing on."""
    settings.PUBLISHING_ENABLED = False
    settings.PUBLIC_DIR = tmp_path / "public"
    settings.PUBLISH_PROCESSES = 1


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


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language. Django's LocaleMiddleware activates the
    language of each request's address and leaves it active in the thread afterwards: after a
    /ru/ request, a later test's listings would be the Russian edition's."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits count in a cache on disk (var/limits-cache): one test's signups, donations and
    searches must not count against the next."""
    caches["limits"].clear()
    yield
    caches["limits"].clear()


@pytest.fixture(autouse=True)
def forget_cached_renditions():
    """Wagtail caches renditions by image id, and a rolled-back image's id is handed out again: a
    later test would be shown the earlier test's rendition, a file that is not in its MEDIA_ROOT."""
    yield
    for cache in caches.all():
        cache.clear()
