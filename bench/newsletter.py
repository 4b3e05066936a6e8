"""`make bench`: one newsletter edition to 100,000 subscribers, into a counting SMTP sink.

    BENCH_SUBSCRIBERS=10000,100000 BENCH_CONCURRENCY=4 .venv/bin/python -m bench.newsletter

For each list size, `samizdat newsletter send EDITION` runs as its own process (the way an operator
or a worker sends) against `bench/smtp_sink.py` on 127.0.0.1 in another process. Reported: messages
per second over the whole command (recording deliveries, rendering, sending, recording again),
the sending phase alone, and the sender's peak memory (its maximum resident set). The sink's own
ceiling is measured in the same run with a bare smtplib loop (the same prepared message sent over
the same number of connections, nothing else), so the sender's rate can be read against it.
Results go to bench/results/newsletter.{json,md}.
"""

import json
import os
import resource
import shutil
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.common import RESULTS, ROOT, free_port, machine, step

SIZES = [int(n) for n in os.environ.get("BENCH_SUBSCRIBERS", "10000,100000").split(",")]
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
PROCESSES = int(os.environ.get("BENCH_PROCESSES", "2"))
CEILING_MESSAGES = int(os.environ.get("BENCH_CEILING_MESSAGES", "30000"))
ARTICLES_IN_EDITION = 8


def main():
    var = Path(tempfile.mkdtemp(prefix="samizdat-bench-newsletter-"))
    port = free_port()
    env = {
        **os.environ,
        "SAMIZDAT_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "samizdat.settings",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",  # the command sends; no worker
        "LOG_LEVEL": "WARNING",
        "PUBLISHING_ENABLED": "0",
        "SITE_URL": "https://courier.example",
        "EMAIL_BACKEND": "samizdat.newsletter.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "NEWSLETTER_CONCURRENCY": str(CONCURRENCY),
        "NEWSLETTER_RATE_LIMIT": "0",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    sink = subprocess.Popen([sys.executable, "-m", "bench.smtp_sink", str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    results = {"machine": machine(), "processes": PROCESSES, "concurrency": CONCURRENCY, "runs": []}
    try:
        assert sink.stdout.readline().strip() == "ready"
        call_command("migrate", verbosity=0)
        newsletter = setup_newsroom()
        for size in SIZES:
            results["runs"].append(bench_send(newsletter, size, port, env))
        results["sink_ceiling"] = bench_ceiling(port, results["runs"][-1]["message_bytes"])
    finally:
        sink.terminate()
        sink.wait()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(var, ignore_errors=True)
        else:
            print(f"kept {var}")
    table = format_table(results)
    print("\n" + table)
    save(results, table)


def setup_newsroom():
    from bench.archive import build_archive
    from samizdat.newsletter.models import Newsletter

    step("Building a small archive for the edition's articles")
    build_archive(articles=40, sections=4, tags=20)
    return Newsletter.objects.create(
        name="The Week", slug="the-week", description="A hand-picked selection, every Friday.",
        from_email="week@courier.example", reply_to="letters@courier.example", promoted=True,
    )


def subscribe(newsletter, size):
    """Exactly `size` confirmed subscribers, written in bulk."""
    from samizdat.newsletter.models import Subscriber, Subscription

    have = Subscriber.objects.count()
    chunk = 5000
    for start in range(have, size, chunk):
        made = Subscriber.objects.bulk_create(
            [Subscriber(email=f"reader{n}@example.org") for n in range(start, min(start + chunk, size))]
        )
        Subscription.objects.bulk_create(
            [Subscription(subscriber=s, newsletter=newsletter, status=Subscription.ACTIVE, consent_text="bench") for s in made]
        )


def make_edition(newsletter, size):
    from django.utils import timezone as django_timezone

    from samizdat.newsletter.models import Edition, EditionArticle
    from samizdat.news.models import ArticlePage

    edition = Edition.objects.create(
        newsletter=newsletter, subject=f"The Week, {size} readers", preheader="Also inside: the port, the council",
        intro="Good morning.\n\nHere is what mattered in Lindenport this week.",
        status=Edition.APPROVED, scheduled_at=django_timezone.now(),
    )
    for position, article in enumerate(ArticlePage.objects.live().order_by("-published_at")[:ARTICLES_IN_EDITION]):
        EditionArticle.objects.create(edition=edition, article=article, sort_order=position)
    return edition


def bench_send(newsletter, size, port, env):
    from bench.smtp_sink import count
    from samizdat.newsletter.models import Delivery, Edition

    step(f"Sending one edition to {size:,} subscribers")
    subscribe(newsletter, size)
    edition = make_edition(newsletter, size)
    before, _ = count(port)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.monotonic()
    sender = subprocess.Popen(
        [sys.executable, "-m", "samizdat.cli", "newsletter", "send", str(edition.pk), "--processes", str(PROCESSES)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    out, err = sender.communicate()
    seconds = time.monotonic() - started
    if sender.returncode:
        raise SystemExit(f"the sender failed:\n{out}\n{err}")
    # The largest resident set of any child waited for so far: the senders (the sink still runs).
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = usage.ru_maxrss / 1024
    cpu_seconds = usage.ru_utime + usage.ru_stime - cpu_before
    received, _ = count(port)
    edition.refresh_from_db()
    sent = Delivery.objects.filter(edition=edition, status=Delivery.SENT)
    first, last = sent.order_by("sent_at").values_list("sent_at", flat=True).first(), sent.order_by("-sent_at").values_list("sent_at", flat=True).first()
    send_phase = (last - first).total_seconds() if first and last else seconds
    message_bytes = len(edition.email_html.encode()) + len(edition.email_text.encode())
    run = {
        "subscribers": size,
        "delivered": received - before,
        "sent_recorded": sent.count(),
        "status": edition.status,
        "seconds": round(seconds, 1),
        "messages_per_second": round(size / seconds),
        "send_phase_seconds": round(send_phase, 1),
        "send_phase_messages_per_second": round(size / send_phase) if send_phase else None,
        "peak_memory_mb": round(peak_mb),
        "sender_cpu_seconds": round(cpu_seconds, 1),
        "sender_cpu_ms_per_message": round(cpu_seconds * 1000 / size, 3),
        "load_average_after": round(os.getloadavg()[0], 1),
        "message_bytes": message_bytes,
    }
    assert run["delivered"] == size and run["status"] == Edition.SENT, run
    print(f"    {run['messages_per_second']} msg/s overall, {run['send_phase_messages_per_second']} msg/s sending, peak {run['peak_memory_mb']} MB", flush=True)
    return run


def bench_ceiling(port, message_bytes):
    """The sink's ceiling: as many processes and connections as the sender had, each connection a
    bare smtplib loop sending one prepared message of the edition's size, nothing else."""
    import multiprocessing

    step(f"The sink's ceiling: bare smtplib, {PROCESSES} x {CONCURRENCY} connections, {CEILING_MESSAGES:,} messages")
    per_connection = CEILING_MESSAGES // (PROCESSES * CONCURRENCY)
    processes = [
        multiprocessing.get_context("fork").Process(target=_ceiling_process, args=(port, message_bytes, per_connection))
        for _ in range(PROCESSES)
    ]
    started = time.monotonic()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    seconds = time.monotonic() - started
    total = per_connection * CONCURRENCY * PROCESSES
    rate = round(total / seconds)
    print(f"    {rate} msg/s", flush=True)
    return {"messages": total, "seconds": round(seconds, 1), "messages_per_second": rate}


def _ceiling_process(port, message_bytes, per_connection):
    body = b"x" * 76 + b"\r\n"
    message = (
        b"From: week@courier.example\r\nTo: reader@example.org\r\nSubject: ceiling\r\n\r\n"
        + body * max(message_bytes // len(body), 1)
    )

    def loop():
        with smtplib.SMTP("127.0.0.1", port) as client:
            for n in range(per_connection):
                client.sendmail("week@courier.example", [f"ceiling{n}@example.org"], message)

    threads = [threading.Thread(target=loop) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def format_table(results):
    ceiling = results["sink_ceiling"]["messages_per_second"]
    rows = []
    for run in results["runs"]:
        size = f"{run['subscribers']:,}"
        rows += [
            (f"{size} subscribers: overall", f"{run['messages_per_second']:,} msg/s",
             f"{run['seconds']} s for the whole command; {run['messages_per_second'] / ceiling:.0%} of the sink's ceiling"),
            (f"{size} subscribers: sending phase", f"{run['send_phase_messages_per_second']:,} msg/s",
             f"first to last message, {run['send_phase_seconds']} s"),
            (f"{size} subscribers: sender peak memory", f"{run['peak_memory_mb']} MB", "largest resident set of a sending process"),
            (f"{size} subscribers: sender CPU", f"{run['sender_cpu_ms_per_message']} ms/msg",
             f"{run['sender_cpu_seconds']} s user+system; machine load average {run['load_average_after']} after the run"),
        ]
    rows.append(("sink ceiling (bare smtplib)", f"{ceiling:,} msg/s",
                 f"{results['processes']} x {results['concurrency']} connections, {results['sink_ceiling']['messages']:,} messages of the edition's size"))
    rows.append(("message size", f"{results['runs'][-1]['message_bytes']:,} bytes", "HTML and plain text parts"))
    width = max(len(r[0]) for r in rows)
    lines = [f"| {'measure'.ljust(width)} | result | notes |", f"|{'-' * (width + 2)}|---|---|"]
    lines += [f"| {a.ljust(width)} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def save(results, table):
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    results["date"] = stamp
    (RESULTS / "newsletter.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "newsletter.md").write_text(
        f"# Newsletter benchmark ({stamp}, {results['machine']['cpus']} CPUs)\n\n`make bench`\n\n"
        f"The sender: `samizdat newsletter send --processes {results['processes']}`, {results['concurrency']} connections per "
        f"process (NEWSLETTER_CONCURRENCY); the sink in a process of its own.\n\n{table}\n"
    )
    print(f"\nSaved to {RESULTS / 'newsletter.json'} and newsletter.md")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
