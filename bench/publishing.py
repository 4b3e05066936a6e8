"""`make bench`: static publishing on a synthetic archive, and serving its pages three ways.

    BENCH_ARTICLES=10000 BENCH_SECTIONS=10 BENCH_TAGS=500 BENCH_DURATION=15 .venv/bin/python -m bench.publishing

Reports: a full rebuild by `samizdat publish --all` (seconds, pages/s); publishing one edited article through `samizdat worker`
(median of 20: until its own page is live, until every affected file is updated, how many files
it rewrote); and requests/s
and p99 latency under `wrk -t2 -c32` for one article from the embedded server's fast path, the same
article rendered by Django, and the same file from Debian's nginx. Results go to bench/results/.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import common
from bench.common import ROOT, free_port, machine, step

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "10000"))
SECTIONS = int(os.environ.get("BENCH_SECTIONS", "10"))
TAGS = int(os.environ.get("BENCH_TAGS", "500"))
DURATION = int(os.environ.get("BENCH_DURATION", "15"))
EDITS = int(os.environ.get("BENCH_EDITS", "20"))


def main():
    var = Path(tempfile.mkdtemp(prefix="samizdat-bench-"))
    os.environ.update(
        SAMIZDAT_VAR_DIR=str(var),
        DJANGO_SETTINGS_MODULE="samizdat.settings",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        LOG_LEVEL="WARNING",
        PUBLISHING_ENABLED="0",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    results = {"machine": machine(), "archive": {"articles": ARTICLES, "sections": SECTIONS, "tags": TAGS}}
    try:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        step(f"Building a synthetic archive of {ARTICLES} articles")
        from bench.archive import build_archive

        build_archive(articles=ARTICLES, sections=SECTIONS, tags=TAGS)
        settings.PUBLISHING_ENABLED = True
        results["rebuild"] = bench_rebuild()
        results["incremental"] = bench_incremental(var)
        if os.environ.get("BENCH_SERVING", "1") != "0":  # 0: trial runs of publishing alone
            results["serving"] = bench_serving(var, settings)
    finally:
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(var, ignore_errors=True)
        else:
            print(f"kept {var}")
    table = format_table(results)
    print("\n" + table)
    save(results, table)


def bench_rebuild():
    """`samizdat publish --all` as a newsroom runs it: a process of its own, timed from its start
    (Django's setup included) to the new build swapped in. Rendering in this process, which has
    just written ten thousand stories, made it slower for reasons unrelated to publishing."""
    from samizdat.publishing.rebuild import rebuild_site

    step("Full rebuild (samizdat publish --all)")
    rebuild_site(processes=1) if ARTICLES <= 200 else None  # warms renditions on tiny runs only
    env = dict(os.environ, PUBLISHING_ENABLED="1")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "samizdat.cli", "publish", "--all", "--no-progress"],
                          env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    summary = re.search(r"(\d+) written, (\d+) removed, (\d+) unchanged, (\d+) failed", done.stdout)
    if summary is None:
        raise RuntimeError(f"samizdat publish --all failed: {done.stderr[-2000:]}")
    pages = int(summary[1]) + int(summary[3])
    return {"seconds": round(seconds, 1), "pages": pages, "pages_per_second": round(pages / seconds, 1),
            "failed": int(summary[4])}


def bench_incremental(var):
    """Edit and republish an article the way an editor does: the edit and its publishing task are
    committed together, and `samizdat worker`, a process of its own polling the database queue,
    publishes it. Timed from the click: until the story's own file has the new headline, and until
    the task has finished, every affected file written."""
    from django.test.utils import override_settings
    from django_tasks_db.models import DBTaskResult

    from samizdat.news.models import ArticlePage
    from samizdat.publishing import output

    step(f"Publishing {EDITS} edited articles one at a time, through the worker")
    env = dict(os.environ, PUBLISHING_ENABLED="1", TASKS_BACKEND="django_tasks_db.DatabaseBackend")
    worker = start([sys.executable, "-m", "samizdat.cli", "worker"], env)
    _wait_until_idle(worker)  # started and warmed up, as a newsroom's worker is when an editor clicks
    live, complete, files, cpu = [], [], [], []
    try:
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
            articles = list(ArticlePage.objects.live().order_by("-published_at")[: EDITS * 5 : 5])
            for number, article in enumerate(articles):
                article.title = f"{article.title} (updated {number})"
                target = output.target(output.current_root(), article.url)
                cpu_before = _cpu_seconds(worker.pid)
                clicked = time.monotonic()
                article.save_revision().publish()
                task = DBTaskResult.objects.filter(task_path__endswith="publish_change_task").order_by("-enqueued_at").first()
                own_live = None
                while True:
                    now = time.monotonic()
                    if own_live is None and article.title.encode() in _read(target):
                        own_live = now - clicked
                    status, value = DBTaskResult.objects.filter(pk=task.pk).values_list("status", "return_value").get()
                    if status in ("SUCCESSFUL", "FAILED"):
                        break
                    if now - clicked > 120 or worker.poll() is not None:
                        raise RuntimeError(f"the worker did not publish the edit (task {status})")
                    time.sleep(0.005)
                complete.append(time.monotonic() - clicked)
                cpu.append(_cpu_seconds(worker.pid) - cpu_before)
                if status == "FAILED":
                    raise RuntimeError("the publishing task failed")
                live.append(own_live if own_live is not None else complete[-1])
                files.append(int(re.match(r"(\d+) written", value).group(1)))
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
    return {
        "edits": len(complete),
        "median_seconds_until_live": round(statistics.median(live), 3),
        "median_seconds_until_all_files": round(statistics.median(complete), 3),
        "slowest_seconds_until_all_files": round(max(complete), 3),
        "median_files_rewritten": statistics.median(files),
        "median_cpu_seconds": round(statistics.median(cpu), 3),
        "seconds_until_all_files": [round(seconds, 3) for seconds in complete],  # in the order of the edits
    }


def _wait_until_idle(process, timeout=60):
    """Until the process spends under a fifth of a second of CPU time a second (its start-up done;
    polling the queue costs far less), or `timeout`."""
    deadline, spent = time.monotonic() + timeout, -1.0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(1)
        now = _cpu_seconds(process.pid)
        if now - spent < 0.2:
            return
        spent = now


def _cpu_seconds(pid):
    """CPU time of the worker and of the processes it forked and reaped, from /proc: steadier than
    the time on the clock when the machine is shared, for comparing two versions of the code."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")


def _read(path):
    try:
        return path.read_bytes()
    except OSError:
        return b""


def bench_serving(var, settings):
    from samizdat.news.models import ArticlePage

    wrk = shutil.which("wrk")
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not wrk:
        step("wrk is missing (make bench installs it): serving not measured")
        return {}
    article = ArticlePage.objects.live().order_by("-published_at").first().url
    results = {"url": article}
    env = dict(os.environ, PUBLISHING_ENABLED="1", TASKS_BACKEND="django_tasks_db.DatabaseBackend")
    fast_port, dynamic_port = free_port(), free_port()
    servers = [
        start([sys.executable, "-m", "samizdat.cli", "serve", "--no-worker", "--port", str(fast_port)], env),
        start([sys.executable, "-m", "samizdat.cli", "serve", "--no-worker", "--port", str(dynamic_port)],
              dict(env, SERVE_PUBLIC_FILES="0")),
    ]
    try:
        wait_for(fast_port, article)
        wait_for(dynamic_port, article)
        time.sleep(2)  # every worker process booted, not only the first
        step("Serving: the embedded server's fast path")
        results["fast_path"] = run_wrk(wrk, f"http://127.0.0.1:{fast_port}{article}")
        step("Serving: the same article rendered by Django")
        results["dynamic"] = run_wrk(wrk, f"http://127.0.0.1:{dynamic_port}{article}")
        if nginx:
            from deploy.nginx.render import standalone_config

            folder = var / "nginx"
            folder.mkdir()
            port = free_port()
            conf = standalone_config(folder, app=f"127.0.0.1:{fast_port}", listen=f"127.0.0.1:{port}",
                                     public_dir=settings.PUBLIC_DIR, static_root=settings.STATIC_ROOT,
                                     media_root=settings.MEDIA_ROOT)
            servers.append(start([nginx, "-c", str(conf), "-e", str(folder / "error.log")], env))
            wait_for(port, article)
            step("Serving: the same file from nginx")
            results["nginx"] = run_wrk(wrk, f"http://127.0.0.1:{port}{article}")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
    return results


def start(command, env):
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(port, path="/", timeout=60):
    """Until the server answers a real request: gunicorn listens before its workers have booted."""
    import urllib.request
    from urllib.error import HTTPError

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).close()
            return
        except HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")


def run_wrk(wrk, url):
    output = subprocess.run(
        [wrk, "-t2", "-c32", f"-d{DURATION}s", "--latency", "-H", "Accept-Encoding: gzip", url],
        capture_output=True, text=True, check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"requests_per_second": round(rate), "p99_ms": round(p99_ms, 2),
            "non_2xx": int(errors.group(1)) if errors else 0}


def format_table(results):
    rebuild, incremental, serving = results["rebuild"], results["incremental"], results.get("serving", {})
    rows = [
        ("archive", f"{ARTICLES} articles, {SECTIONS} sections, {TAGS} tags", ""),
        ("full rebuild", f"{rebuild['seconds']} s", f"{rebuild['pages']} pages, {rebuild['pages_per_second']} pages/s"),
        ("publish one article: own page live", f"{incremental['median_seconds_until_live']} s", "median of "
         f"{incremental['edits']}"),
        ("publish one article: all files", f"{incremental['median_seconds_until_all_files']} s",
         f"{incremental['median_files_rewritten']} files rewritten (median); slowest of "
         f"{incremental['edits']}: {incremental.get('slowest_seconds_until_all_files', '?')} s"),
        ("publish one article: CPU", f"{incremental.get('median_cpu_seconds', '?')} s",
         "worker and the processes it forks (median)"),
    ]
    for name in ("fast_path", "dynamic", "nginx"):
        if name in serving:
            s = serving[name]
            rows.append((f"serve: {name.replace('_', ' ')}", f"{s['requests_per_second']} req/s",
                         f"p99 {s['p99_ms']} ms"))
    if "fast_path" in serving and "dynamic" in serving:
        rows.append(("fast path / dynamic", f"{serving['fast_path']['requests_per_second'] / serving['dynamic']['requests_per_second']:.1f}x", ""))
    if "fast_path" in serving and "nginx" in serving:
        rows.append(("nginx / fast path", f"{serving['nginx']['requests_per_second'] / serving['fast_path']['requests_per_second']:.1f}x", ""))
    width = max(len(r[0]) for r in rows)
    lines = [f"| {'measure'.ljust(width)} | result | notes |", f"|{'-' * (width + 2)}|---|---|"]
    lines += [f"| {a.ljust(width)} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def save(results, table):
    common.save("publishing", results, "Publishing benchmark", table)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
