"""The output folder: safe file names for any address, atomic writes, compressed twins, swaps."""

import gzip
import subprocess
import sys
import threading
from pathlib import Path, PurePosixPath

import brotli
import pytest

from samizdat.publishing import output


@pytest.mark.parametrize(
    "url, file",
    [
        ("/", "index.html"),
        ("/news/harbour-cranes/", "news/harbour-cranes/index.html"),
        ("/rss.xml", "rss.xml"),
        ("/news/page/2/", "news/page/2/index.html"),
        ("/tags/%C3%BCber/", "tags/über/index.html"),
        ("/tags/über/", "tags/über/index.html"),
        ("/tags/u%CC%88ber/", "tags/über/index.html"),  # decomposed ü becomes the composed one
        ("/news/a%20b/", "news/a b/index.html"),
        ("https://elsewhere.example/news/x/?q=1", "news/x/index.html"),
    ],
)
def test_each_address_has_one_file(url, file):
    assert output.relative_file(url) == PurePosixPath(file)


@pytest.mark.parametrize(
    "url",
    [
        "/../etc/passwd",
        "/news/%2e%2e/%2e%2e/secret/",
        "/news/./x/",
        "/news//x/",
        "/a\\b/",
        "/a%00b/",
        "/a%0Ab/",
        "/.git/config",
        "/news/.hidden/",
        "/" + "x" * 201 + "/",
        "relative/path/",
        "/%ff%fe/",
    ],
)
def test_addresses_that_could_leave_the_folder_or_break_it_are_refused(url):
    with pytest.raises((output.UnsafePath, UnicodeDecodeError)):
        output.relative_file(url)


def test_writing_a_page_adds_gzip_and_brotli_twins_that_are_the_same_every_time(tmp_path):
    html = b"<!doctype html><title>Harbour</title>" + b"<p>Cranes fall silent.</p>" * 40
    assert output.write(tmp_path, "/news/cranes/", html) is True
    page = tmp_path / "news/cranes/index.html"
    assert page.read_bytes() == html
    assert gzip.decompress(page.with_name("index.html.gz").read_bytes()) == html
    assert brotli.decompress(page.with_name("index.html.br").read_bytes()) == html
    first_gzip = page.with_name("index.html.gz").read_bytes()
    assert output.write(tmp_path, "/news/cranes/", html) is False  # unchanged: not rewritten
    output.remove(tmp_path, "/news/cranes/")
    output.write(tmp_path, "/news/cranes/", html)
    assert page.with_name("index.html.gz").read_bytes() == first_gzip
    assert not list(tmp_path.rglob(".*tmp*")), "temporary files were left behind"


def test_small_files_and_pictures_have_no_compressed_twins(tmp_path):
    output.write(tmp_path, "/robots.txt", b"User-agent: *\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["robots.txt"]


def test_removing_a_page_removes_its_twins(tmp_path):
    output.write(tmp_path, "/news/cranes/", b"x" * 1000)
    assert output.remove(tmp_path, "/news/cranes/") is True
    assert not any((tmp_path / "news/cranes").iterdir())
    assert output.remove(tmp_path, "/news/cranes/") is False


def test_a_new_build_replaces_the_old_one_in_one_step(settings, tmp_path):
    settings.PUBLIC_DIR = tmp_path / "public"
    first = output.current_root()
    output.write(first, "/", b"first")
    second = output.new_build_dir()
    output.write(second, "/", b"second")
    assert (tmp_path / "public/index.html").read_bytes() == b"first"
    output.switch_to(second)
    assert (tmp_path / "public/index.html").read_bytes() == b"second"
    third = output.new_build_dir()
    output.switch_to(third)
    # The build before the current one stays for readers mid-download; older ones go.
    assert not first.exists() and second.exists() and third.exists()


def test_a_plain_folder_already_at_public_dir_is_adopted(settings, tmp_path):
    settings.PUBLIC_DIR = tmp_path / "public"
    (tmp_path / "public").mkdir()
    (tmp_path / "public/index.html").write_bytes(b"kept")
    root = output.current_root()
    assert (tmp_path / "public").is_symlink()
    assert (root / "index.html").read_bytes() == b"kept"


def _live(settings):
    return Path(settings.PUBLIC_DIR).resolve()


@pytest.mark.parametrize("clean_up", ["remove_abandoned_builds", "switch_to"])
def test_a_clean_up_racing_a_swap_never_removes_the_build_readers_get(settings, tmp_path, monkeypatch, clean_up):
    """Two processes publishing into one folder (the worker rebuilding while an operator runs
    `samizdat publish --all`): while one removes an old build (rmtree can take seconds), the other
    swaps in its new build. The new build, its marker already gone, must not be taken for an
    abandoned one and deleted while PUBLIC_DIR points at it. Made deterministic: the other swap is
    started from inside the first removal, and given two seconds to finish."""
    settings.PUBLIC_DIR = tmp_path / "public"
    old = output.current_root()
    output.write(old, "/", b"old")
    abandoned = output.new_build_dir()  # a killed rebuild's: nobody holds its marker any more
    output._finished(abandoned)
    if clean_up == "switch_to":
        ours = output.new_build_dir()
        output.write(ours, "/", b"ours")
    theirs = output.new_build_dir()  # the other rebuild, still being written as the clean-up starts
    output.write(theirs, "/", b"theirs")

    remove_build = output._remove_build
    swaps = []

    def removing(build):
        if not swaps:  # the first removal: the other process swaps its build in meanwhile
            swap = threading.Thread(target=output.switch_to, args=(theirs,))
            swaps.append(swap)
            swap.start()
            swap.join(timeout=2)  # with the lock it waits for this clean-up; without, it is done
        remove_build(build)

    monkeypatch.setattr(output, "_remove_build", removing)
    if clean_up == "switch_to":
        output.switch_to(ours)
    else:
        output.remove_abandoned_builds()
    swaps[0].join(timeout=10)
    assert not swaps[0].is_alive()

    assert _live(settings) == theirs.resolve()
    assert (tmp_path / "public/index.html").read_bytes() == b"theirs"
    assert not abandoned.exists()


def test_a_clean_up_waits_for_the_lock_a_swap_holds(settings, tmp_path):
    """The same across processes: while another process holds the builds' lock (its swap), a
    clean-up does not start."""
    settings.PUBLIC_DIR = tmp_path / "public"
    output.current_root()
    abandoned = output.new_build_dir()
    output._finished(abandoned)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(output.builds_dir() / output.LOCK_NAME)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        cleaning = threading.Thread(target=output.remove_abandoned_builds)
        cleaning.start()
        cleaning.join(timeout=1)
        assert cleaning.is_alive() and abandoned.exists()
        holder.terminate()
        cleaning.join(timeout=10)
        assert not cleaning.is_alive() and not abandoned.exists()
    finally:
        holder.kill()
        holder.wait()


HOLD_LOCK = """
import fcntl, sys, time
lock = open(sys.argv[1], "a")
fcntl.flock(lock, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""
