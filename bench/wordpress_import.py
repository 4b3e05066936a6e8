"""Importing a WordPress archive: a generated WXR of BENCH_POSTS posts (default 10,000) with
categories, tags, authors and featured images, imported with `samizdat import wordpress` into a
fresh site. Reports posts per second and the import process's peak memory (target: at least 100
posts/s and under 300 MB on 2 cores; docs/migrating.md).

    BENCH_POSTS=500 .venv/bin/python -m bench.wordpress_import

The export is generated in a temporary folder, the site migrated by one process and the import
run by another, so the peak memory is the import's own. Results go to
bench/results/wordpress_import.{json,md}.
"""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image as PILImage

from bench import common
from bench.common import ROOT, machine, step
from tests.migrating.wxr import SITE, attachment, author, category, item, tag

POSTS = int(os.environ.get("BENCH_POSTS", "10000"))
CATEGORIES, TAGS, AUTHORS, IMAGES = 12, 300, 20, 30
WORDS = "harbour council port tram budget river ferry school court shipyard market museum theatre".split()


def write_export(folder, posts, rng):
    """The export, written item by item (a 10,000-post file is never held whole), and its uploads."""
    media = folder / "uploads"
    for n in range(IMAGES):
        path = media / "2024" / "05" / f"photo-{n}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        PILImage.new("RGB", (800, 450), (n * 8 % 256, 90, 140)).save(path, "JPEG")
    export = folder / "export.xml"
    head = "".join(
        [author(f"reporter{n}", f"Reporter {n}") for n in range(AUTHORS)]
        + [category(f"section-{n}", f"Section {n}") for n in range(CATEGORIES)]
        + [tag(f"topic-{n}", f"topic {n}") for n in range(TAGS)]
    )
    opening, closing = _wrapper(head)
    with export.open("w", encoding="utf-8") as out:
        out.write(opening)
        for n in range(IMAGES):
            out.write(attachment(100_000 + n, f"2024/05/photo-{n}.jpg", caption=f"Photo {n}", credit="Staff"))
        for n in range(posts):
            paragraphs = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(40)) for _ in range(6))
            body = (
                f"<!-- wp:paragraph --><p>{paragraphs}</p><!-- /wp:paragraph -->\n\n"
                f'<!-- wp:image --><figure class="wp-block-image"><img src="{SITE}/wp-content/uploads/2024/05/'
                f'photo-{n % IMAGES}.jpg" alt="A photo"/><figcaption>In the harbour.</figcaption></figure><!-- /wp:image -->'
            )
            out.write(
                item(
                    n + 1,
                    f"Story {n}: {' '.join(rng.choice(WORDS) for _ in range(5))}",
                    name=f"story-{n}",
                    content=body,
                    excerpt="A sentence under the headline.",
                    creator=f"reporter{n % AUTHORS}",
                    date_gmt=f"20{10 + n % 14}-{1 + n % 12:02d}-{1 + n % 28:02d} 09:30:00",
                    categories=[(f"section-{n % CATEGORIES}", f"Section {n % CATEGORIES}")],
                    tags=[(f"topic-{t}", f"topic {t}") for t in rng.sample(range(TAGS), 3)],
                    meta={"_thumbnail_id": str(100_000 + n % IMAGES)},
                    comments=["comment"] * (n % 3),
                )
            )
        out.write(closing)
    return export, media


def _wrapper(head):
    from tests.migrating.wxr import export

    whole = export(head)
    cut = whole.index("</channel>")
    return whole[:cut], whole[cut:]


def main():
    rng = random.Random(1)
    folder = Path(tempfile.mkdtemp(prefix="samizdat-bench-wordpress-"))
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "SAMIZDAT_VAR_DIR": str(folder / "var"),
        "DJANGO_SETTINGS_MODULE": "samizdat.settings",
        "PUBLISHING_ENABLED": "0",
        "LOG_LEVEL": "WARNING",
    }
    samizdat = [sys.executable, "-m", "samizdat.cli"]
    try:
        step(f"Writing a WordPress export of {POSTS} posts")
        export, media = write_export(folder, POSTS, rng)
        size = export.stat().st_size
        step("Migrating a fresh site")
        subprocess.run([*samizdat, "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
        mapping = ",".join(f"section-{n}=Section {n}" for n in range(CATEGORIES))
        step(f"Importing {POSTS} posts")
        report = folder / "report.txt"
        started = time.monotonic()
        with report.open("w") as out:
            command = [*samizdat, "import", "wordpress", str(export), "--media", str(media), "--sections", mapping]
            process = subprocess.Popen([*command, "--no-progress"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            # wait4 gives this one process's own peak memory and CPU time, not the migration's.
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        peak_kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
        lines = report.read_text().strip().splitlines()
        if process.returncode:
            raise RuntimeError("\n".join(lines[-30:]))
        summary = lines[-1]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    results = {
        "machine": machine(),
        "posts": POSTS,
        "export_bytes": size,
        "seconds": round(seconds, 1),
        "posts_per_second": round(POSTS / seconds, 1),
        "peak_memory_mb": round(peak_kb / 1024, 1),
        # On a shared machine the clock varies with the neighbours' load; CPU time much less.
        "cpu_seconds": round(cpu, 1),
        "posts_per_cpu_second": round(POSTS / cpu, 1),
        "summary": summary,
    }
    table = (
        f"| posts | export | seconds | posts/s | CPU seconds | posts per CPU second | peak memory |\n"
        f"|---|---|---|---|---|---|---|\n"
        f"| {POSTS} | {size / 1e6:.1f} MB | {results['seconds']} | {results['posts_per_second']} | "
        f"{results['cpu_seconds']} | {results['posts_per_cpu_second']} | {results['peak_memory_mb']} MB |\n\n"
        f"Search indexing and publishing are queued for `samizdat worker`, as in production, and not "
        f"counted here.\n\nImport's report: {summary}"
    )
    print("\n" + table)
    print(json.dumps(results))
    common.save("wordpress_import", results, f"WordPress import benchmark, {POSTS} posts", table)


if __name__ == "__main__":
    main()
