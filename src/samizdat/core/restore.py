"""`samizdat restore FILE`: a backup (core/backup.py) back onto a fresh install.

The whole archive is read and checked first, into a folder beside the site's database: it is a
samizdat backup, it is complete, every checksum matches, it opens with the key given. Only then is
anything of the site's touched, and only if the site is empty or the person said --force.
"""

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pyrage
from django.conf import settings
from django.core.cache import caches

from . import database_dump
from .backup import AGE_MAGIC, CHECKSUMS, FORMAT, FORMAT_VERSION, MANIFEST, MEDIA, SECRET_KEY, BackupError

NOT_A_BACKUP = "This file is not a samizdat backup."
INCOMPLETE = (
    "This backup is incomplete: the file ends early (cut off while it was written or copied). "
    "Nothing was changed. Use another copy."
)


@dataclass
class RestoreReport:
    manifest: dict
    media_files: int
    kept_aside: list
    notes: list

    def summary(self):
        engine = database_dump.ENGINE_NAMES[self.manifest["database"]]
        return (
            f"Restored the database ({engine}), {self.media_files} media file{'' if self.media_files == 1 else 's'} "
            f"and the secret key from the backup made at {self.manifest['created_at']} "
            f"by samizdat {self.manifest['samizdat_version']}."
        )


def restore_backup(path, identity_file=None, force=False):
    path = Path(path)
    identities = read_identities(identity_file) if identity_file else []
    engine = _engine()
    _refuse_if_site_has_data(force)
    staging_parent = Path(settings.VAR_DIR)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=staging_parent) as staging:
        staging = Path(staging)
        manifest, media_files = _unpack(path, identities, staging)
        if manifest["database"] != engine:
            raise BackupError(
                f"This backup holds a {database_dump.ENGINE_NAMES[manifest['database']]} database, and this site "
                f"uses {database_dump.ENGINE_NAMES[engine]} (DATABASE_URL). Restore it onto the same kind of database."
            )
        replacing = _refuse_if_site_has_data(force)
        try:
            kept_aside = database_dump.load(staging / database_dump.DUMP_NAMES[engine], replace=replacing)
        except database_dump.DatabaseError as error:
            raise BackupError(f"{error} Nothing was changed.") from None
        kept_aside += _put_media_in_place(staging / "media", replace=replacing)
        notes = _put_secret_key_in_place((staging / SECRET_KEY).read_text())
    # What the publisher kept (teasers, feed texts) was made from the site before the restore.
    caches["pieces"].clear()
    return RestoreReport(manifest, media_files, kept_aside, notes)


def _engine():
    try:
        return database_dump.engine()
    except database_dump.DatabaseError as error:
        raise BackupError(str(error)) from None


def _refuse_if_site_has_data(force):
    """Whether the site has something a restore would replace; refuses unless `force`."""
    try:
        tables = database_dump.has_tables()
    except database_dump.DatabaseError as error:
        raise BackupError(str(error)) from None
    media = Path(settings.MEDIA_ROOT)
    has_media = media.is_dir() and any(p.is_file() for p in media.rglob("*"))
    if (tables or has_media) and not force:
        what = " and ".join(
            part for part in (
                tables and f"a database ({tables} tables)",
                has_media and f"uploaded files in {media}",
            ) if part
        )
        raise BackupError(
            f"This site already has {what}; restoring would replace them, so nothing was changed. "
            "Restore onto a fresh install (an empty SAMIZDAT_VAR_DIR, or a new PostgreSQL database), "
            "or stop samizdat serve and the worker and run again with --force to replace this site."
        )
    return bool(tables or has_media)


def read_identities(path):
    """age private keys from a key file as age-keygen writes it (comments start with #)."""
    no_key = f"{path} holds no age private key (a line starting AGE-SECRET-KEY-)."
    try:
        lines = Path(path).read_text().splitlines()
    except UnicodeDecodeError:
        raise BackupError(no_key) from None
    except OSError as error:
        raise BackupError(f"Could not read the key file {path}: {error.strerror}.") from None
    identities = []
    for line in lines:
        if line.strip() and not line.startswith("#"):
            try:
                identities.append(pyrage.x25519.Identity.from_str(line.strip()))
            except pyrage.IdentityError:
                pass  # never quote the line: it may be most of a private key
    if not identities:
        raise BackupError(no_key)
    return identities


def _unpack(path, identities, staging):
    """Read the archive into `staging`, checking it as it goes; returns its manifest and media count."""
    try:
        source = open(path, "rb")
    except OSError as error:
        raise BackupError(f"Could not open {path}: {error.strerror}.") from None
    with source:
        head = source.read(512)
        source.seek(0)
        if head.startswith(AGE_MAGIC):
            if not identities:
                raise BackupError(
                    "This backup is encrypted. Give the private key it was encrypted to: "
                    "samizdat restore FILE --identity KEYFILE"
                )
            with _decrypted(source, identities) as plaintext:
                return _read_tar(plaintext, staging)
        if len(head) < 512 or head[257:262] != b"ustar":
            raise BackupError(NOT_A_BACKUP)
        return _read_tar(source, staging)


def _read_tar(stream, staging):
    manifest, listing, seen, media_files = None, None, {}, 0
    try:
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                if manifest is None:
                    manifest, seen[member.name] = _read_manifest(tar, member)
                elif member.name == CHECKSUMS and member.isfile():
                    listing = tar.extractfile(member).read().decode()
                else:
                    target = _staged_path(staging, member, manifest)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    seen[member.name] = _copy_hashing(tar.extractfile(member), target)
                    media_files += member.name.startswith(MEDIA)
    except (tarfile.ReadError, EOFError):
        raise BackupError(INCOMPLETE if manifest else NOT_A_BACKUP) from None
    if manifest is None:
        raise BackupError(NOT_A_BACKUP)
    if listing is None:
        raise BackupError(INCOMPLETE)
    _check_sums(listing, seen, manifest)
    return manifest, media_files


def _read_manifest(tar, member):
    if member.name != MANIFEST or not member.isfile() or member.size > 1 << 16:
        raise BackupError(NOT_A_BACKUP)
    raw = tar.extractfile(member).read()
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise BackupError(NOT_A_BACKUP) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(NOT_A_BACKUP)
    if not isinstance(manifest.get("format_version"), int) or manifest["format_version"] > FORMAT_VERSION:
        raise BackupError(
            f"This backup was made by samizdat {manifest.get('samizdat_version')} in a newer format than this "
            "samizdat reads. Upgrade samizdat, then restore it."
        )
    if manifest.get("database") not in database_dump.DUMP_NAMES:
        raise BackupError(NOT_A_BACKUP)
    return manifest, hashlib.sha256(raw).hexdigest()


def _staged_path(staging, member, manifest):
    """Where a member is unpacked; only the names samizdat writes, and never outside `staging`."""
    name = member.name
    expected = {database_dump.DUMP_NAMES[manifest["database"]], SECRET_KEY}
    parts = PurePosixPath(name).parts
    safe_media = (
        name.startswith(MEDIA) and len(parts) > 1 and not PurePosixPath(name).is_absolute()
        and all(part not in ("", ".", "..") for part in parts)
    )
    if not member.isfile() or not (name in expected or safe_media):
        raise BackupError(f"{NOT_A_BACKUP} (It holds {name[:200]!r}, which samizdat never writes.)")
    return staging.joinpath(*parts)


def _copy_hashing(data, target):
    digest = hashlib.sha256()
    with data, open(target, "wb") as out:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _check_sums(listing, seen, manifest):
    # sha256sum's format: 64 hex digits, two spaces, the name (which may itself hold spaces).
    expected = {line[66:]: line[:64] for line in listing.splitlines() if len(line) > 66}
    required = {MANIFEST, SECRET_KEY, database_dump.DUMP_NAMES[manifest["database"]]}
    if not required <= seen.keys() or seen.keys() != expected.keys():
        raise BackupError(INCOMPLETE)
    for name, digest in seen.items():
        if expected[name] != digest:
            raise BackupError(
                f"This backup is damaged: {name[:200]} is not what was written. Nothing was changed. Use another copy."
            )


@contextmanager
def _decrypted(source, identities):
    """The plaintext of an age file, as a stream: decrypted by a thread into a pipe, never to disk."""
    read_end, write_end = os.pipe()
    failed, stopping = [], threading.Event()

    def decrypt():
        with open(write_end, "wb") as plaintext:
            try:
                pyrage.decrypt_io(source, plaintext, identities)
            except Exception as error:  # recorded before the pipe closes, so the reader sees it
                if not stopping.is_set():
                    failed.append(error)

    thread = threading.Thread(target=decrypt, daemon=True)
    thread.start()
    plaintext = open(read_end, "rb")
    try:
        yield plaintext
        while plaintext.read(1 << 16):  # the tar's padding: decryption checks the file to its end
            pass
    except BackupError:
        if not failed:
            raise
    finally:
        stopping.set()
        plaintext.close()
        thread.join()
    if failed:
        raise BackupError(_decryption_failure(failed[0])) from None


def _decryption_failure(error):
    if isinstance(error, pyrage.DecryptError) and "no matching keys" in str(error).lower():
        return "This key does not open this backup: it was encrypted to another key. Nothing was changed."
    return "This encrypted backup is damaged or incomplete (cut off while written or copied). Nothing was changed."


def _put_media_in_place(staged, replace):
    media = Path(settings.MEDIA_ROOT)
    kept_aside = []
    if media.exists():
        if replace and any(p.is_file() for p in media.rglob("*")):
            kept_aside.append(media.rename(database_dump.aside(media)))
        else:
            shutil.rmtree(media)  # empty folders only: checked before anything was changed
    media.parent.mkdir(parents=True, exist_ok=True)
    if staged.is_dir():
        shutil.move(staged, media)
    else:
        media.mkdir()
    return kept_aside


def _put_secret_key_in_place(key):
    path = Path(settings.VAR_DIR) / "secret_key"
    staged = path.with_name("secret_key.restoring")
    staged.unlink(missing_ok=True)
    with open(os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write(key)
    staged.replace(path)
    if os.environ.get("SECRET_KEY") and os.environ["SECRET_KEY"].strip() != key.strip():
        return [
            "This server sets SECRET_KEY in its environment, and it is not the backup's key. Links in emails "
            f"already sent (unsubscribe, confirm, manage my donation) only work with the backup's key: it is in "
            f"{path}; remove SECRET_KEY from the environment to use it."
        ]
    return []
