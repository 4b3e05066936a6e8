"""`make bench`: one newsletter edition to 100,000 subscribers, into a counting SMTP sink, unsigned
and DKIM-signed, and through Debian's Postfix into a Maildir.

    BENCH_SUBSCRIBERS=10000,100000 BENCH_CONCURRENCY=4 .venv/bin/python -m bench.newsletter

For each list size, `samizdat newsletter send EDITION` runs as its own process (the way an operator
or a worker sends) against `bench/smtp_sink.py` on 127.0.0.1 in another process, once unsigned and
once signed rsa-sha256 with a 2048-bit key made for the run. Reported: messages per second over the
whole command (recording deliveries, rendering, signing, sending, recording again), the sending
phase alone, and the sender's peak memory (its maximum resident set). The sink's own ceiling is
measured in the same run with a bare smtplib loop (the same prepared message sent over the same
number of connections, nothing else), so the sender's rate can be read against it.

First, though, unsigned, rsa-sha256 and ed25519-sha256 through a private Postfix on 127.0.0.1
(Debian's, the one tests/newsletter/postfix.py runs) delivering to a Maildir, with that Postfix's
own bare-smtplib ceiling, and a sample of each signed run's delivered copies checked with dkimpy.
Left out, with the reason, where Postfix is missing or the bench doesn't run as root (Postfix
starts as root). Results go to bench/results/newsletter.{json,md}.
"""

import base64
import os
import resource
import shutil
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from bench.common import ROOT, free_port, machine, step
from bench.cpu import machine_ticks, process_tree_cpu_seconds
from bench.dkim_cost import signing_cost
from bench.newsletter_table import UNSIGNED, format_table, save
from bench.smtp_sink import count
from tests.newsletter import postfix

SIZES = [int(n) for n in os.environ.get("BENCH_SUBSCRIBERS", "10000,100000").split(",")]
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
PROCESSES = int(os.environ.get("BENCH_PROCESSES", "2"))
CEILING_MESSAGES = int(os.environ.get("BENCH_CEILING_MESSAGES", "30000"))
POSTFIX_SUBSCRIBERS = int(os.environ.get("BENCH_POSTFIX_SUBSCRIBERS", "10000"))  # 0 leaves Postfix out
if POSTFIX_SUBSCRIBERS > min(SIZES):
    raise SystemExit("BENCH_POSTFIX_SUBSCRIBERS can't be more than the smallest of BENCH_SUBSCRIBERS")
DKIM_DOMAIN = "courier.example"
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

    senders, records = {UNSIGNED: env}, {}
    for algorithm, key in (("rsa-sha256", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
                           ("ed25519-sha256", ed25519.Ed25519PrivateKey.generate())):
        senders[algorithm], records[algorithm] = signing_with(key, algorithm, var, env)
    sink = subprocess.Popen([sys.executable, "-m", "bench.smtp_sink", str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    results = {"machine": machine(), "processes": PROCESSES, "concurrency": CONCURRENCY, "runs": []}
    try:
        assert sink.stdout.readline().strip() == "ready"
        call_command("migrate", verbosity=0)
        newsletter = setup_newsroom()
        sink_count = lambda: count(port)[0]  # noqa: E731
        # Postfix first: subscribers are only ever added, and it takes the smallest list.
        results["postfix"] = bench_postfix(newsletter, senders, records)
        for size in SIZES:
            for signing in (UNSIGNED, "rsa-sha256"):  # RSA: the signature every receiver checks
                results["runs"].append(bench_send(newsletter, size, senders[signing], sink_count, signing))
        results["sink_ceiling"] = bench_ceiling(port, results["runs"][-1]["message_bytes"], CEILING_MESSAGES, sink_count)
    finally:
        sink.terminate()
        sink.wait()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(var, ignore_errors=True)
        else:
            print(f"kept {var}")
    step("The CPU of one DKIM signature, before and now")
    results["dkim_signing"] = signing_cost()
    table = format_table(results)
    print("\n" + table)
    save(results, table)


def signing_with(key, algorithm, var, env):
    """The sender's environment signing with `key` (made for this run, saved in `var`), and the DNS
    record a receiver would look up for it."""
    path = var / f"dkim-{algorithm}.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    if algorithm == "ed25519-sha256":
        public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        record = b"v=DKIM1; k=ed25519; p=" + base64.b64encode(public)
    else:
        public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    sender = {
        **env, "NEWSLETTER_DKIM_DOMAIN": DKIM_DOMAIN, "NEWSLETTER_DKIM_SELECTOR": algorithm.partition("-")[0],
        "NEWSLETTER_DKIM_PRIVATE_KEY": str(path),
    }
    return sender, record


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


def bench_send(newsletter, size, env, delivered, signing, *, through="the sink", wait=None, relay_cpu=None):
    """One edition to `size` readers; `delivered()` counts what arrived where it was sent, and
    `wait(count)` waits until that many have (a relay delivers after it has accepted);
    `relay_cpu()` is the relay's CPU seconds so far."""
    from samizdat.newsletter.models import Delivery, Edition

    step(f"Sending one edition to {size:,} subscribers through {through}, {signing}")
    subscribe(newsletter, size)
    edition = make_edition(newsletter, size)
    before = delivered()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = usage.ru_utime + usage.ru_stime
    relay_before = relay_cpu() if relay_cpu else None
    load_before = os.getloadavg()[0]
    busy_before = machine_ticks()
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
    if wait:
        wait(before + size)
    busy, ticks = (after - earlier for after, earlier in zip(machine_ticks(), busy_before))
    received = delivered()
    edition.refresh_from_db()
    sent = Delivery.objects.filter(edition=edition, status=Delivery.SENT)
    first, last = sent.order_by("sent_at").values_list("sent_at", flat=True).first(), sent.order_by("-sent_at").values_list("sent_at", flat=True).first()
    send_phase = (last - first).total_seconds() if first and last else seconds
    message_bytes = len(edition.email_html.encode()) + len(edition.email_text.encode())
    run = {
        "subscribers": size,
        "through": through,
        "signing": signing,
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
        "load_average_before": round(load_before, 1),
        "load_average_after": round(os.getloadavg()[0], 1),
        "machine_busy": round(busy / ticks, 2),  # of all CPUs, whoever used them, until the last copy arrived
        "message_bytes": message_bytes,
    }
    if relay_cpu:
        run["relay_cpu_ms_per_message"] = round((relay_cpu() - relay_before) * 1000 / size, 3)
    if wait:
        run["delivered_seconds"] = round(time.monotonic() - started, 1)
    assert run["delivered"] == size and run["status"] == Edition.SENT, run
    print(f"    {run['messages_per_second']} msg/s overall, {run['send_phase_messages_per_second']} msg/s sending, peak {run['peak_memory_mb']} MB", flush=True)
    return run


def bench_ceiling(port, message_bytes, messages, delivered, wait=None):
    """The receiver's ceiling: as many processes and connections as the sender had, each connection
    a bare smtplib loop sending one prepared message of the edition's size, nothing else."""
    import multiprocessing

    step(f"The ceiling: bare smtplib, {PROCESSES} x {CONCURRENCY} connections, {messages:,} messages")
    per_connection = messages // (PROCESSES * CONCURRENCY)
    before = delivered()
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
    if wait:
        wait(before + total)
    assert delivered() - before == total, (delivered() - before, total)
    rate = round(total / seconds)
    print(f"    {rate} msg/s", flush=True)
    return {"messages": total, "seconds": round(seconds, 1), "messages_per_second": rate}


def bench_postfix(newsletter, senders, records):
    """Unsigned, signed each way, and the bare ceiling, through Debian's Postfix on 127.0.0.1, which
    delivers every reader's copy to one Maildir; a sample of each signed run's copies is verified
    there with dkimpy."""
    why_not = postfix.available()
    if not POSTFIX_SUBSCRIBERS:
        why_not = "BENCH_POSTFIX_SUBSCRIBERS=0"
    if why_not:
        print(f"--- Postfix left out: {why_not}", flush=True)
        return {"skipped": why_not}
    relay = postfix.Postfix(relay_port=free_port())  # nothing is relayed: example.org is local
    relay.extra = {"virtual_mailbox_domains": "example.org", "virtual_mailbox_maps": "static:readers/"}
    relay.start()
    maildir = relay.dir / "mail" / "readers" / "new"
    master = int((relay.dir / "queue" / "pid" / "master.pid").read_text())

    def relay_cpu():
        return process_tree_cpu_seconds(master)

    def in_maildir():
        return sum(1 for _ in maildir.iterdir()) if maildir.exists() else 0

    def wait(expected, seconds=600):
        deadline = time.monotonic() + seconds
        while in_maildir() < expected:
            if time.monotonic() > deadline:
                raise SystemExit(f"Postfix delivered {in_maildir()} of {expected}:\n{relay.log()}")
            time.sleep(0.2)

    def dns(name, timeout=5):
        selector = name.decode().partition(".")[0]
        return next((record for algorithm, record in records.items() if algorithm.startswith(selector + "-")), None)

    runs, verified = [], {}
    try:
        for signing, env in senders.items():
            before = set(maildir.iterdir()) if maildir.exists() else set()
            runs.append(bench_send(newsletter, POSTFIX_SUBSCRIBERS, {**env, "EMAIL_PORT": str(relay.port)}, in_maildir, signing,
                                   through="Postfix", wait=wait, relay_cpu=relay_cpu))
            if signing != UNSIGNED:
                sample = sorted(set(maildir.iterdir()) - before)[:: max(POSTFIX_SUBSCRIBERS // 20, 1)]
                good = sum(dkim.verify(path.read_bytes().replace(b"\n", b"\r\n"), dnsfunc=dns) for path in sample)
                assert good == len(sample), f"{good} of {len(sample)} copies signed {signing} verify after Postfix"
                verified[signing] = f"{good} of {len(sample)}"
        ceiling = bench_ceiling(relay.port, runs[-1]["message_bytes"], POSTFIX_SUBSCRIBERS, in_maildir, wait)
    finally:
        relay.stop()
    return {"runs": runs, "ceiling": ceiling, "dkim_verified": verified}


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


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
