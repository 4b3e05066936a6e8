"""`samizdat backup FILE`: the database, the uploaded media and the secret key in one archive.

The archive is a tar file, read in order:

    manifest.json        what this is: format version, samizdat version, database engine, time
    database.sqlite3.gz  (or database.pgdump: pg_dump's custom format)
    secret_key           signs the links in emails already sent (unsubscribe, manage my donation)
    media/...            every uploaded file, renditions included: the database names them
    SHA256SUMS           a checksum of each file above, in `sha256sum` format; written last, so
                         an archive that lacks it was cut short

Encrypted to one or more age public keys (https://age-encryption.org, via pyrage), the whole tar
is one age file: `age -d -i key.txt FILE | tar x` opens it without samizdat, and only the private
key, which never needs to be on the server, can. Published pages (PUBLIC_DIR) are left out: they
are made again from the database by `samizdat publish --all`.
"""

import fcntl
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pyrage
from django.conf import settings
from django.utils import timezone

from . import database_dump

FORMAT = "samizdat-backup"
FORMAT_VERSION = 1
MANIFEST, CHECKSUMS, SECRET_KEY, MEDIA = "manifest.json", "SHA256SUMS", "secret_key", "media/"
AGE_MAGIC = b"age-encryption.org/v1\n"


class BackupError(Exception):
    """A backup or restore that can't go on, in words for the person who ran it."""


@dataclass
class BackupReport:
    path: Path
    engine: str
    media_files: int
    encrypted_to: int

    def summary(self):
        locked = f", encrypted to {self.encrypted_to} key{'s' if self.encrypted_to > 1 else ''}" if self.encrypted_to else ""
        return (
            f"Backed up the database ({database_dump.ENGINE_NAMES[self.engine]}), {self.media_files} media "
            f"file{'' if self.media_files == 1 else 's'} and the secret key to {self.path}{locked}."
        )


def create_backup(path, recipients=()):
    """Write the archive to `path`, encrypted to `recipients` (age public keys) if any are given.

    It is written beside `path` under another name and renamed when complete, so a backup that
    fails or is interrupted never leaves a file that looks like a good one.
    """
    path = Path(path).resolve()
    keys = [parse_recipient(text) for text in recipients]
    engine = database_dump.engine()
    if not path.parent.is_dir():
        raise BackupError(f"There is no folder {path.parent} to write the backup in.")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with _staging_folder(path.parent) as staging:
            dump = staging / database_dump.DUMP_NAMES[engine]
            try:
                # The database before the media: an image uploaded meanwhile is in the archive
                # without its row (harmless), never a row without its file.
                database_dump.dump(dump)
                with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
                    with _maybe_encrypted(out, keys) as stream:
                        media_files = _write_archive(stream, engine, dump)
                    out.flush()
                    os.fsync(out.fileno())
                partial.replace(path)
            finally:
                partial.unlink(missing_ok=True)
    except database_dump.DatabaseError as error:
        raise BackupError(str(error)) from None
    except OSError as error:
        raise BackupError(f"Could not write the backup: {error.strerror or error} ({error.filename or path}).") from None
    return BackupReport(path, engine, media_files, len(keys))


STAGING = "backup-staging"
OLD_STAGING_PREFIX = ".samizdat-backup-"  # where earlier versions staged the dump: beside the backup


@contextmanager
def _staging_folder(destination):
    """A private folder for the database dump, which is not encrypted: in VAR_DIR, which holds the
    database anyway, never beside the backup, where the off-site copy would pick it up.

    A backup that is killed (out of memory, a reboot, a stopped timer) can't remove its folder, so
    every backup first removes those of backups no longer running: each running backup holds a
    lock on its own folder, which the system releases when the process ends, however it ends.
    """
    root = Path(settings.VAR_DIR) / STAGING
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    # Folders are looked at, made and locked under a lock on `root`: a backup starting meanwhile
    # never takes another's new folder, not yet locked, for a leftover.
    root_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(root_fd, fcntl.LOCK_EX)
        _remove_leftovers(root, destination)
        staging = Path(tempfile.mkdtemp(dir=root))  # mode 0700
        fd = os.open(staging, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(fd, fcntl.LOCK_EX)
    finally:
        os.close(root_fd)
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(fd)


def _remove_leftovers(root, destination):
    for entry in root.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            try:
                fd = os.open(entry, os.O_RDONLY | os.O_DIRECTORY)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # another backup, running now
            else:
                shutil.rmtree(entry, ignore_errors=True)
            finally:
                os.close(fd)
        else:
            entry.unlink(missing_ok=True)
    # Left beside the backups by a killed backup of an earlier version: an unencrypted dump.
    for entry in destination.glob(f"{OLD_STAGING_PREFIX}*"):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def _write_archive(stream, engine, dump):
    sums = {}
    with tarfile.open(fileobj=stream, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "samizdat_version": version("samizdat"),
            "database": engine,
            "created_at": timezone.now().isoformat(),
            "checksums": CHECKSUMS,
        }
        _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode(), sums)
        _add_file(tar, dump.name, dump, sums)
        _add_bytes(tar, SECRET_KEY, settings.SECRET_KEY.encode(), sums)
        media_root = Path(settings.MEDIA_ROOT)
        count = 0
        for file in sorted(media_root.rglob("*")) if media_root.is_dir() else ():
            if file.is_file() and not file.is_symlink():
                _add_file(tar, MEDIA + file.relative_to(media_root).as_posix(), file, sums)
                count += 1
        listing = "".join(f"{digest}  {name}\n" for name, digest in sums.items())
        _add_bytes(tar, CHECKSUMS, listing.encode(), {})
    return count


def _add_bytes(tar, name, data, sums):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))
    sums[name] = hashlib.sha256(data).hexdigest()


def _add_file(tar, name, path, sums):
    with open(path, "rb") as file:
        stat = os.fstat(file.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
        hashing = _Hashing(file)
        tar.addfile(info, hashing)
    sums[name] = hashing.digest.hexdigest()


class _Hashing:
    """A file as tarfile reads it, hashed on the way: media are read once, however large."""

    def __init__(self, file):
        self.file, self.digest = file, hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.digest.update(data)
        return data


def parse_recipient(text):
    try:
        return pyrage.x25519.Recipient.from_str(text.strip())
    except pyrage.RecipientError:
        raise BackupError(
            f"{text.strip()[:80]!r} is not an age public key. A public key starts with age1 "
            "(age-keygen prints it as '# public key: age1...')."
        ) from None


def read_recipients_file(path):
    """Public keys from a file, one a line, as `age -R` reads them: blank lines and # comments skipped."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as error:
        raise BackupError(f"Could not read the public keys in {path}: {error.strerror}.") from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@contextmanager
def _maybe_encrypted(out, keys):
    if not keys:
        yield out
        return
    # pyrage reads plaintext from a file and writes the age file as it goes; tarfile writes to a
    # pipe that the encrypting thread reads, so nothing unencrypted touches the disk.
    read_end, write_end = os.pipe()
    failed = []

    def encrypt():
        with open(read_end, "rb") as plaintext:
            try:
                pyrage.encrypt_io(plaintext, out, keys)
            except Exception as error:  # reported by the writer below, after the pipe is drained
                failed.append(error)
                while plaintext.read(1 << 16):
                    pass

    thread = threading.Thread(target=encrypt, daemon=True)
    thread.start()
    try:
        with open(write_end, "wb") as plaintext:
            yield plaintext
    finally:
        thread.join()
    if failed:
        raise BackupError(f"Could not encrypt the backup: {failed[0]}.")
