"""Profile publish_change for a few edited stories, on whichever code is first on PYTHONPATH
(profile-edit.md says how the two sides were prepared).

    SAMIZDAT_VAR_DIR=<a copy of a bench var> PYTHONPATH=<side>/src python profile_edit.py LABEL
        [--edits K] [--first N] [--no-queries] [--profile] [--profile-children] [--gc-children]
        [--time-parts]

Edits are saved with publishing off (nothing enqueued); then publish_change(key) runs in this
process, as the worker's task does. "cpu" = this process + its reaped forks (getrusage);
PUBLISH_PROCESSES=1 keeps everything in one process. --profile writes /tmp/editcpu/LABEL.prof
(cProfile on process time); --time-parts times the suspects named in profile-edit.md.
"""

import contextlib
import cProfile
import json
import os
import resource
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.settings")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["PUBLISHING_ENABLED"] = "0"

import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from samizdat.news.models import ArticlePage  # noqa: E402
from samizdat.publishing import publish as publish_module  # noqa: E402
from samizdat.publishing import render as render_module  # noqa: E402
from samizdat.publishing.sources import key_of  # noqa: E402

try:
    from samizdat.publishing.changes import publish_change
except ImportError:
    from samizdat.publishing.publish import publish_change

label = sys.argv[1]
profile = "--profile" in sys.argv
count_queries = "--no-queries" not in sys.argv
first = int(sys.argv[sys.argv.index("--first") + 1]) if "--first" in sys.argv else 1
edits = int(sys.argv[sys.argv.index("--edits") + 1]) if "--edits" in sys.argv else 5

renders = {"n": 0, "get": 0, "set": 0}
import diskcache.djangocache as djc  # noqa: E402

_get, _set = djc.DjangoCache.get, djc.DjangoCache.set


def counting_get(self, *args, **kwargs):
    renders["get"] += 1
    return _get(self, *args, **kwargs)


def counting_set(self, *args, **kwargs):
    renders["set"] += 1
    return _set(self, *args, **kwargs)


djc.DjangoCache.get, djc.DjangoCache.set = counting_get, counting_set
original_render = render_module.Renderer.render


def counting_render(self, url):
    renders["n"] += 1
    return original_render(self, url)


render_module.Renderer.render = counting_render


import gc  # noqa: E402

gc_time = {"t": 0.0, "start": 0.0, "n": 0, "gen2": 0}


def gc_callback(phase, info):
    if phase == "start":
        gc_time["start"] = time.process_time()
    else:
        gc_time["t"] += time.process_time() - gc_time["start"]
        gc_time["n"] += 1
        gc_time["gen2"] += info["generation"] == 2


gc.callbacks.append(gc_callback)

if "--gc-children" in sys.argv:
    original_part2 = publish_module._publish_part

    def gc_part(*args):
        gc_time.update(t=0.0, n=0, gen2=0)
        try:
            original_part2(*args)
        finally:
            with open(f"/tmp/editcpu/{label}-gc.txt", "a") as out:
                out.write(f"child {gc_time['t']:.4f} {gc_time['n']} {gc_time['gen2']} tracked {len(gc.get_objects())}\n")

    publish_module._publish_part = gc_part


try:
    from samizdat.core import render_cache as rc_module  # noqa: E402
except ImportError:
    from samizdat.publishing import fingerprints as rc_module  # noqa: E402

timed = {}


def timing(module, name):
    original = getattr(module, name, None)
    if original is None:
        return
    depth = [0]

    def wrapper(*args, **kwargs):
        if depth[0]:
            return original(*args, **kwargs)
        depth[0] += 1
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            depth[0] -= 1
            entry = timed.setdefault(name, [0, 0.0])
            entry[0] += 1
            entry[1] += time.process_time() - started

    setattr(module, name, wrapper)


if "--time-parts" in sys.argv:
    timing(rc_module, "plain_repr")
    timing(rc_module, "_fingerprint")
    from samizdat.news import feeds as feeds_module, teasers as teasers_module  # noqa: E402
    timing(feeds_module, "_read_full_texts")
    timing(teasers_module, "_read_teasers")
    timing(teasers_module, "_read_sources")
    from samizdat.news import listing as listing_module  # noqa: E402
    timing(listing_module, "_fetch_listed")
    timing(feeds_module, "_render_full_text")
    from wagtail.models import Page as WagtailPage  # noqa: E402
    timing(WagtailPage, "get_view_restrictions")


def detail():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return [own.ru_utime, own.ru_stime, own.ru_minflt, children.ru_utime, children.ru_stime, children.ru_minflt]


def split_cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


if "--profile-children" in sys.argv:
    original_part = publish_module._publish_part

    def profiled_part(*args):
        child = cProfile.Profile(time.process_time)
        child.enable()
        try:
            original_part(*args)
        finally:
            child.disable()
            child.dump_stats(f"/tmp/editcpu/{label}-child-{os.getpid()}.prof")

    publish_module._publish_part = profiled_part


def cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


settings.PUBLISHING_ENABLED = True
publish_module.warm_up()

articles = list(ArticlePage.objects.live().order_by("-published_at")[first : first + edits * 5 : 5])
rows = []
profiler = cProfile.Profile(time.process_time) if profile else None
for number, article in enumerate(articles):
    settings.PUBLISHING_ENABLED = False
    article.title = f"{article.title} (profiled {label} {number})"
    article.save_revision().publish()
    settings.PUBLISHING_ENABLED = True
    renders.update(n=0, get=0, set=0)
    gc_time.update(t=0.0, n=0, gen2=0)
    timed.clear()
    timed.clear()
    before, clock, split_before, detail_before = cpu(), time.monotonic(), split_cpu(), detail()
    with (CaptureQueriesContext(connection) if count_queries else contextlib.nullcontext([])) as queries:
        if profiler:
            profiler.enable()
        report = publish_change(key_of(article))
        if profiler:
            profiler.disable()
    rows.append({"cpu": cpu() - before, "wall": time.monotonic() - clock, "queries": len(queries),
                 "renders": renders["n"], "cache_get": renders["get"], "cache_set": renders["set"], "timed": {k: [v[0], round(v[1] * 1000, 1)] for k, v in timed.items()}, "gc": [round(gc_time["t"], 4), gc_time["n"], gc_time["gen2"], len(gc.get_objects())], "detail": [round(b - a, 3) for a, b in zip(detail_before, detail())], "self": split_cpu()[0] - split_before[0], "children": split_cpu()[1] - split_before[1], "summary": report.summary()})
    print(label, number, json.dumps(rows[-1]), flush=True)

print(label, "median self %.3f children %.3f" % (statistics.median(r["self"] for r in rows), statistics.median(r["children"] for r in rows)))
print(label, "median cpu %.3f wall %.3f queries %d renders %d" % (
    statistics.median(r["cpu"] for r in rows), statistics.median(r["wall"] for r in rows),
    statistics.median(r["queries"] for r in rows), statistics.median(r["renders"] for r in rows)))
if profiler:
    profiler.dump_stats(f"/tmp/editcpu/{label}.prof")
