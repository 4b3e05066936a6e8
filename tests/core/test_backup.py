"""`samizdat backup` and `samizdat restore` as an operator runs them: real commands in their own
processes, each site in its own var/. On SQLite the database is copied with SQLite's backup API;
under scripts/with-postgres each site gets a fresh PostgreSQL database and goes through pg_dump
and pg_restore."""

import filecmp
import json
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql://"))

if ON_POSTGRES and shutil.which("pg_dump") is None:
    pytest.skip("pg_dump is not installed (Debian: postgresql-client): backups of PostgreSQL need it", allow_module_level=True)

# No test database, but each site on the pass's database server: under scripts/with-postgres these
# are PostgreSQL's backups, so the PostgreSQL pass runs them too.
pytestmark = pytest.mark.database_server

SEED = """
from samizdat.newsletter.models import Newsletter, Subscriber, Subscription
from samizdat.support.models import Donation
from tests.factories import make_article, make_image, make_section

news = make_section("News")
make_article(news, "Harbour cranes fall silent", image=make_image("Harbour at dawn"))
make_article(news, "Łódź ferry returns", image=make_image("Ferry", colour=(200, 60, 30)))
make_image("Unused portrait", size=(300, 400))
week = Newsletter.objects.create(name="The Week", slug="the-week")
reader = Subscriber.objects.create(email="reader@example.org")
Subscription.objects.create(
    subscriber=reader, newsletter=week, status="active", consent_source="signup form",
    consent_text="Yes, send me The Week. I have read the privacy policy.",
)
Donation.objects.create(
    amount=1250, currency="EUR", provider="test", provider_payment_id="pay_1",
    email="donor@example.org", name="A. Reader", status="paid",
)
"""

# What a newsroom would look for after a restore, printed as JSON by the restored site itself.
SNAPSHOT = """
import hashlib, json
from wagtail.images.models import Image
from samizdat.news.models import ArticlePage
from samizdat.newsletter.models import Subscription
from samizdat.support.models import Donation

def file_digest(image):
    with image.file.open("rb") as f:
        return hashlib.sha256(f.read()).hexdigest()

print(json.dumps({
    "articles": [[a.title, a.url_path, a.live, a.lead_image.title if a.lead_image else None]
                 for a in ArticlePage.objects.order_by("title")],
    "consent": [[s.subscriber.email, s.newsletter.slug, s.status, s.consent_text, s.consent_at.isoformat(), s.consent_source]
                for s in Subscription.objects.order_by("pk")],
    "donations": [[d.amount, d.currency, d.status, d.email, d.name, d.provider_payment_id]
                  for d in Donation.objects.order_by("pk")],
    "images": [[i.title, i.file.name, file_digest(i)] for i in Image.objects.order_by("title")],
}))
"""


def samizdat(env, *args, check=True):
    result = subprocess.run(
        [sys.executable, "-m", "samizdat.cli", *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=600
    )
    if check and result.returncode != 0:
        raise AssertionError(f"samizdat {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def python_in(env, code):
    return samizdat(env, "shell", "--no-imports", "-c", code).stdout


def snapshot(env):
    return json.loads(python_in(env, SNAPSHOT).strip().splitlines()[-1])


class Sites:
    """New, empty sites: a var/ each and, on PostgreSQL, a database each (dropped afterwards)."""

    def __init__(self, root, migrated_database):
        self.root, self.databases = root, []
        self.migrated_sqlite, self.migrated_postgres = migrated_database, None

    def new(self, name, template="template1"):
        env = dict(os.environ, SAMIZDAT_VAR_DIR=str(self.root / name), PUBLISH_PROCESSES="1")
        env.pop("SECRET_KEY", None)
        if ON_POSTGRES:
            database = f"backup_{name}_{secrets.token_hex(4)}"
            self._sql(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
            self.databases.append(database)
            env["DATABASE_URL"] = SERVER_URL.rsplit("/", 1)[0] + "/" + database
        else:
            env.pop("DATABASE_URL", None)
        return env

    def migrated(self, name):
        """A new site and `samizdat migrate` run on it. Its database starts as a copy of one migrated
        before (once for the run on SQLite, once for the module on PostgreSQL), so the command
        itself has nothing left to apply: 229 migrations cost about 15 s of CPU a site."""
        if ON_POSTGRES:
            if self.migrated_postgres is None:
                template = self.new("template")
                samizdat(template, "migrate", "-v0")
                self.migrated_postgres = template["DATABASE_URL"].rsplit("/", 1)[1]
            env = self.new(name, template=self.migrated_postgres)
        else:
            env = self.new(name)
            self.migrated_sqlite.copy_to(env["SAMIZDAT_VAR_DIR"])
        samizdat(env, "migrate", "-v0")
        return env

    def table_count(self, env):
        if not ON_POSTGRES:
            import sqlite3

            path = Path(env["SAMIZDAT_VAR_DIR"]) / "samizdat.sqlite3"
            if not path.exists():
                return 0
            with sqlite3.connect(path) as db:
                return db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as db:
            return db.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()[0]

    def drop_all(self):
        for database in self.databases:
            self._sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def _sql(self, statement):
        import psycopg

        with psycopg.connect(SERVER_URL, autocommit=True) as db:
            db.execute(statement)


@pytest.fixture(scope="module")
def sites(tmp_path_factory, migrated_database):
    sites = Sites(tmp_path_factory.mktemp("sites"), migrated_database)
    yield sites
    if ON_POSTGRES:
        sites.drop_all()


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    """An age key pair, as age-keygen writes it."""
    from pyrage import x25519

    identity = x25519.Identity.generate()
    path = tmp_path_factory.mktemp("keys") / "newsroom-backup.key"
    path.write_text(f"# created: for a test\n# public key: {identity.to_public()}\n{identity}\n")
    return {"public": str(identity.to_public()), "file": path}


@pytest.fixture(scope="module")
def original(sites, key, tmp_path_factory):
    """A newsroom with stories, pictures, a subscriber, a donation, published; and its backups."""
    env = sites.migrated("original")
    python_in(env, SEED)
    samizdat(env, "publish", "--all", "--no-progress")
    folder = tmp_path_factory.mktemp("backups")
    plain, encrypted = folder / "samizdat.tar", folder / "samizdat.tar.age"
    samizdat(env, "backup", str(plain))
    samizdat(env, "backup", str(encrypted), "--recipient", key["public"])
    return {"env": env, "snapshot": snapshot(env), "plain": plain, "encrypted": encrypted}


def published_files(env):
    public = (Path(env["SAMIZDAT_VAR_DIR"]) / "public").resolve()
    return public, sorted(str(p.relative_to(public)) for p in public.rglob("*") if p.is_file())


def assert_nothing_restored(sites, env):
    assert sites.table_count(env) == 0
    media = Path(env["SAMIZDAT_VAR_DIR"]) / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize("kind", ["plain", "encrypted"])
def test_restore_on_a_new_server_brings_back_every_story_reader_gift_and_picture(sites, original, key, kind):
    env = sites.new(f"restored_{kind}")
    options = ["--identity", str(key["file"])] if kind == "encrypted" else []
    result = samizdat(env, "restore", str(original[kind]), *options)
    assert "publish --all" in result.stdout
    with tarfile.open(original["plain"]) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"] == ("postgresql" if ON_POSTGRES else "sqlite")

    restored = snapshot(env)
    assert restored == original["snapshot"]
    assert len(restored["articles"]) == 2 and len(restored["images"]) == 3
    assert restored["consent"][0][3] == "Yes, send me The Week. I have read the privacy policy."
    assert restored["donations"] == [[1250, "EUR", "paid", "donor@example.org", "A. Reader", "pay_1"]]
    for _title, name, _digest in restored["images"]:
        assert (Path(env["SAMIZDAT_VAR_DIR"]) / "media" / name).is_file()
    # Signed links in emails already sent (unsubscribe, manage my donation) keep working.
    secret = lambda e: (Path(e["SAMIZDAT_VAR_DIR"]) / "secret_key").read_text().strip()  # noqa: E731
    assert secret(env) == secret(original["env"])

    # The rebuilt site is the same site, file for file.
    before_root, before = published_files(original["env"])
    after_root, after = published_files(env)
    assert after == before and any(name.startswith("news/") for name in after)
    _match, mismatch, errors = filecmp.cmpfiles(before_root, after_root, before, shallow=False)
    assert mismatch == [] and errors == []


def test_an_encrypted_backup_reveals_nothing_without_the_private_key(sites, original):
    plain, encrypted = original["plain"].read_bytes(), original["encrypted"].read_bytes()
    var = Path(original["env"]["SAMIZDAT_VAR_DIR"])
    picture = next((var / "media" / "original_images").iterdir()).read_bytes()[:4096]
    # The database is compressed in both; its rows are checked by the restores above.
    revealing = [(var / "secret_key").read_bytes().strip(), picture, b"samizdat-backup"]
    for secret in revealing:
        assert secret in plain
        assert secret not in encrypted

    env = sites.new("no_key")
    result = samizdat(env, "restore", str(original["encrypted"]), check=False)
    assert result.returncode != 0
    assert "This backup is encrypted" in result.stderr and "--identity" in result.stderr
    assert "Traceback" not in result.stderr
    assert_nothing_restored(sites, env)


def test_the_wrong_key_is_refused(sites, original, tmp_path):
    from pyrage import x25519

    other = tmp_path / "other.key"
    other.write_text(f"{x25519.Identity.generate()}\n")
    env = sites.new("wrong_key")
    result = samizdat(env, "restore", str(original["encrypted"]), "--identity", str(other), check=False)
    assert result.returncode != 0
    assert "This key does not open this backup" in result.stderr and "Traceback" not in result.stderr
    assert_nothing_restored(sites, env)


@pytest.mark.parametrize("kind", ["plain", "encrypted"])
def test_a_backup_cut_short_is_refused(sites, original, key, kind, tmp_path):
    whole = original[kind].read_bytes()
    cut = tmp_path / f"cut-{original[kind].name}"
    cut.write_bytes(whole[: len(whole) * 3 // 4])
    env = sites.new(f"cut_{kind}")
    options = ["--identity", str(key["file"])] if kind == "encrypted" else []
    result = samizdat(env, "restore", str(cut), *options, check=False)
    assert result.returncode != 0
    assert "incomplete" in result.stderr and "Traceback" not in result.stderr
    assert_nothing_restored(sites, env)


def test_a_backup_damaged_in_storage_is_refused(sites, original, tmp_path):
    damaged = tmp_path / "damaged.tar"
    data = bytearray(original["plain"].read_bytes())
    with tarfile.open(original["plain"]) as tar:
        picture = next(m for m in tar.getmembers() if m.name.startswith("media/original_images/"))
    data[picture.offset_data + 100] ^= 0xFF  # one flipped byte in a picture
    damaged.write_bytes(bytes(data))
    env = sites.new("damaged")
    result = samizdat(env, "restore", str(damaged), check=False)
    assert result.returncode != 0
    assert "This backup is damaged" in result.stderr and picture.name in result.stderr
    assert_nothing_restored(sites, env)


@pytest.mark.parametrize("content", ["garbage", "other tar", "empty"])
def test_a_file_that_is_not_a_samizdat_backup_is_refused(sites, content, tmp_path):
    path = tmp_path / "not-a-backup"
    if content == "garbage":
        path.write_bytes(os.urandom(50_000))
    elif content == "other tar":
        (tmp_path / "notes.txt").write_text("holiday photos")
        with tarfile.open(path, "w") as tar:
            tar.add(tmp_path / "notes.txt", arcname="notes.txt")
    else:
        path.write_bytes(b"")
    env = sites.new("not_a_backup")
    result = samizdat(env, "restore", str(path), check=False)
    assert result.returncode != 0
    assert result.stderr.strip() == "This file is not a samizdat backup."
    assert_nothing_restored(sites, env)


def test_a_site_with_data_is_not_replaced_unless_forced(sites, original):
    env = sites.migrated("existing")
    python_in(env, 'from tests.factories import make_article, make_section\nmake_article(make_section("Sport"), "Only on this site")')
    titles = lambda: [a[0] for a in snapshot(env)["articles"]]  # noqa: E731
    assert titles() == ["Only on this site"]

    result = samizdat(env, "restore", str(original["plain"]), check=False)
    assert result.returncode != 0
    assert "This site already has a database" in result.stderr and "--force" in result.stderr
    assert "Traceback" not in result.stderr
    assert titles() == ["Only on this site"]

    result = samizdat(env, "restore", str(original["plain"]), "--force", "--no-publish")
    assert snapshot(env) == original["snapshot"]
    if not ON_POSTGRES:  # the replaced SQLite file is kept beside the new one
        assert "before-restore" in result.stdout


# The worker in the middle of writing: a donation being recorded, its transaction not yet committed.
MID_WRITE = """
import sys
from django.db import transaction
from samizdat.support.models import Donation

with transaction.atomic():
    Donation.objects.create(amount=500, currency="EUR", provider="test", provider_payment_id="pay_mid_write",
                            email="late@example.org", status="paid")
    print("writing", flush=True)
    sys.stdin.read()
    transaction.set_rollback(True)
"""


def test_a_backup_is_taken_while_the_site_is_writing(sites, original, tmp_path):
    writer = subprocess.Popen(
        [sys.executable, "-m", "samizdat.cli", "shell", "--no-imports", "-c", MID_WRITE], env=original["env"], cwd=REPO,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "writing"
        backup = tmp_path / "during-a-write.tar"
        samizdat(original["env"], "backup", str(backup))
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
    env = sites.new("during_a_write")
    samizdat(env, "restore", str(backup), "--no-publish")
    # What was committed, and nothing half-written.
    assert snapshot(env)["donations"] == original["snapshot"]["donations"]


# `samizdat backup FILE ...` as the timer runs it, stopped for good once the database dump is in
# the archive: where it would be when the machine runs out of memory or reboots.
STOPPED_MID_BACKUP = """
import sys, time
from samizdat.cli import main
from samizdat.core import backup, database_dump

add_file = backup._add_file

def add_file_then_stop(tar, name, path, sums):
    add_file(tar, name, path, sums)
    if name in database_dump.DUMP_NAMES.values():
        print("dumped", flush=True)
        time.sleep(600)

backup._add_file = add_file_then_stop
main(["samizdat", "backup", *sys.argv[1:]])
"""


def test_a_backup_killed_midway_leaves_nothing_readable_beside_the_backups(original, key, tmp_path):
    from samizdat.core.backup import AGE_MAGIC

    env, folder = original["env"], tmp_path / "backups"
    folder.mkdir()
    target = folder / "samizdat-2026-05-04.tar.age"
    staging = Path(env["SAMIZDAT_VAR_DIR"]) / "backup-staging"
    backup = subprocess.Popen(
        [sys.executable, "-c", STOPPED_MID_BACKUP, str(target), "--recipient", key["public"]], env=env, cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert backup.stdout.readline().strip() == "dumped"
        # The unencrypted dump is in the site's own folder, readable by its user only.
        dumps = [p for p in staging.rglob("*") if p.is_file()]
        assert [p.name for p in dumps] in (["database.sqlite3.gz"], ["database.pgdump"])
        for folder_on_the_way in (staging, dumps[0].parent):
            assert folder_on_the_way.stat().st_mode & 0o077 == 0
    finally:
        backup.kill()  # SIGKILL: nothing of the backup's runs after it
        backup.stdout.close()
        backup.wait(timeout=60)

    # What the off-site copy would find: the archive being written, encrypted, and nothing else.
    assert not target.exists()
    for path in folder.rglob("*"):
        assert path.is_file(), f"{path} left beside the backups"
        content = path.read_bytes()
        assert content == b"" or content.startswith(AGE_MAGIC), f"{path} is not encrypted"
    assert any(staging.iterdir())

    # A killed backup of an earlier version left its dump beside the backups; the next one tidies both.
    earlier = folder / ".samizdat-backup-k1ll3d"
    earlier.mkdir()
    (earlier / "database.sqlite3.gz.copy").write_bytes(b"SQLite format 3\x00 reader@example.org")
    samizdat(env, "backup", str(target), "--recipient", key["public"])
    assert list(staging.iterdir()) == []
    assert sorted(folder.iterdir()) == [target]
    assert target.read_bytes().startswith(AGE_MAGIC)


def test_a_running_backups_folder_is_not_taken_for_a_leftover(tmp_path):
    import fcntl

    from samizdat.core.backup import _remove_leftovers

    root, destination = tmp_path / "backup-staging", tmp_path / "backups"
    running, killed = root / "running", root / "killed"
    for folder in (running, killed, destination):
        folder.mkdir(parents=True)
    (running / "database.sqlite3.gz").write_bytes(b"being written")
    (killed / "database.sqlite3.gz").write_bytes(b"left by a killed backup")
    held = os.open(running, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        _remove_leftovers(root, destination)
    finally:
        os.close(held)
    assert [p.name for p in root.iterdir()] == ["running"]
    assert (running / "database.sqlite3.gz").exists()
