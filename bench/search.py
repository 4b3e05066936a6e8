"""Search on a synthetic archive: Wagtail's stock database backend against samizdat's per-language one
(core/search_backends/), on SQLite and, when PostgreSQL is installed, on PostgreSQL.

    BENCH_ARTICLES=2000 BENCH_QUERIES=100 .venv/bin/python -m bench.search

Reports, for each database and backend: the whole index built from empty (`update_index`), one
story indexed again as a publish does it (median of 50), a reader's search (median of
BENCH_QUERIES: a word and a story's number, the first page of 10 and the count, as /search/ asks),
and how many stories "ferry" and "ferries" find. The archive's stories are made of the same 26
words, so a reader's query is one of them and a story's number (one story matches, as with a rare
word), and a query of one common word (every story matches) is timed apart: Wagtail's stock SQLite
backend ranks each match by a query of its own, which makes that slow (samizdat's ranks in one pass). Each database runs in a process of its own
(PostgreSQL through scripts/with-postgres). Results go to bench/results/search.{json,md}.
"""

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import common
from bench.common import ROOT, machine, step

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "2000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "100"))
COMMON = 5  # runs of a word every story has
REINDEXES = 50
BACKENDS = {
    "stock": {"sqlite": "wagtail.search.backends.database", "postgresql": "wagtail.search.backends.database"},
    "per-language": {"sqlite": "samizdat.core.search_backends.sqlite",
                     "postgresql": "samizdat.core.search_backends.postgres"},
}


def main():
    results = {"machine": machine(), "archive": {"articles": ARTICLES}, "queries": QUERIES, "databases": {}}
    step(f"SQLite, {ARTICLES} articles")
    results["databases"]["sqlite"] = one_database([])
    if shutil.which("pg_ctl") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        step(f"PostgreSQL, {ARTICLES} articles")
        results["databases"]["postgresql"] = one_database([str(ROOT / "scripts" / "with-postgres")])
    table = format_table(results)
    print("\n" + table)
    common.save("search", results, "Search benchmark", table)


def one_database(prefix):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    done = subprocess.run([*prefix, sys.executable, "-m", "bench.search", "--measure"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure():
    """In a fresh site on the database of DATABASE_URL (SQLite in a temporary folder if none):
    prints one line of JSON."""
    var = Path(tempfile.mkdtemp(prefix="samizdat-bench-search-"))
    os.environ.update(SAMIZDAT_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="samizdat.settings", LOG_LEVEL="WARNING",
                      TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend", PUBLISHING_ENABLED="0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        from bench.archive import build_archive

        build_archive(articles=ARTICLES, sections=10, tags=100, authors=20, images=5)
        measured = {name: measure_backend(paths[connection.vendor]) for name, paths in BACKENDS.items()}
    finally:
        connection.close()
        shutil.rmtree(var, ignore_errors=True)
    print(json.dumps(measured))


def measure_backend(path):
    from django.core.management import call_command
    from django.test.utils import override_settings
    from wagtail.search.backends import get_search_backend

    from bench.archive import WORDS
    from samizdat.news.listing import published_articles
    from samizdat.news.models import ArticlePage

    with override_settings(WAGTAILSEARCH_BACKENDS={"default": {"BACKEND": path}}):
        backend = get_search_backend()
        backend.reset_indexes()
        started = time.perf_counter()
        call_command("update_index", verbosity=0)
        index_seconds = time.perf_counter() - started

        stories = list(ArticlePage.objects.order_by("pk")[:REINDEXES])
        reindex = []
        for story in stories:
            started = time.perf_counter()
            backend.add(story)
            reindex.append(time.perf_counter() - started)

        rng = random.Random(1)
        def timed(query):
            started = time.perf_counter()
            results = published_articles().order_by().search(query, operator="and")
            list(results[:10])
            results.count()
            return time.perf_counter() - started

        timings = [timed(f"{rng.choice(WORDS)} {rng.randrange(ARTICLES)}") for _ in range(QUERIES)]
        common = [timed(rng.choice(WORDS)) for _ in range(COMMON)]

        def hits(word):
            return published_articles().order_by().search(word, operator="and").count()

        return {
            "backend": path,
            "index_seconds": round(index_seconds, 2),
            "reindex_one_ms": round(statistics.median(reindex) * 1000, 2),
            "query_ms": round(statistics.median(timings) * 1000, 2),
            "query_p90_ms": round(statistics.quantiles(timings, n=10)[-1] * 1000, 2),
            "common_word_query_ms": round(statistics.median(common) * 1000, 1),
            "found": {word: hits(word) for word in ["ferry", "ferries", "strikes"]},
        }


def format_table(results):
    lines = [f"{results['archive']['articles']} articles (bench/archive.py, English words); "
             f"{results['queries']} queries of a word and a story's number (one match), and {COMMON} of one "
             "word every story has; each the first page of 10 and the count.", "",
             "| database | backend | update_index | index one story | search (median) | search (p90) "
             "| common word (median) | \"ferry\" finds | \"ferries\" finds | \"strikes\" finds |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for database, backends in results["databases"].items():
        for name, row in backends.items():
            found = row["found"]
            lines.append(f"| {database} | {name} | {row['index_seconds']} s | {row['reindex_one_ms']} ms "
                         f"| {row['query_ms']} ms | {row['query_p90_ms']} ms | {row['common_word_query_ms']} ms "
                         f"| {found['ferry']} "
                         f"| {found['ferries']} | {found['strikes']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    measure() if sys.argv[1:] == ["--measure"] else main()
