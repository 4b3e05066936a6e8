"""bench/newsletter.py's results as the table in bench/results/newsletter.md, and both files saved."""

from bench import common

UNSIGNED = "unsigned"


def format_table(results):
    ceiling = results["sink_ceiling"]["messages_per_second"]
    rows = []
    for run in results["runs"]:
        rows += run_rows(run, ceiling, "the sink's")
    for size in sorted({run["subscribers"] for run in results["runs"]}):
        rows += ratio_rows([run for run in results["runs"] if run["subscribers"] == size], f"{size:,} subscribers")
    rows.append(("sink ceiling (bare smtplib)", f"{ceiling:,} msg/s",
                 f"{results['processes']} x {results['concurrency']} connections, {results['sink_ceiling']['messages']:,} messages of the edition's size"))
    relay = results["postfix"]
    if "skipped" in relay:
        rows.append(("through Postfix", "left out", relay["skipped"]))
    else:
        relay_ceiling = relay["ceiling"]["messages_per_second"]
        for run in relay["runs"]:
            overall, sending, _, cpu = run_rows(run, relay_ceiling, "Postfix's")
            rows += [overall, sending, cpu]
            name = f"{run['subscribers']:,} subscribers through Postfix, {run['signing']}"
            rows.append((f"{name}: in the Maildir", f"{run['delivered_seconds']} s", "from the command's start to the last copy delivered"))
            both = run["sender_cpu_ms_per_message"] + run["relay_cpu_ms_per_message"]
            rows.append((f"{name}: Postfix CPU", f"{run['relay_cpu_ms_per_message']} ms/msg",
                         f"sender and Postfix together {both:.2f} ms/msg; all CPUs {run['machine_busy']:.0%} busy until the last copy arrived"))
        rows += ratio_rows(relay["runs"], "through Postfix", relay["dkim_verified"])
        rows.append(("Postfix ceiling (bare smtplib)", f"{relay_ceiling:,} msg/s",
                     f"{results['processes']} x {results['concurrency']} connections, {relay['ceiling']['messages']:,} messages, accepted"))
    for name, ms in results["dkim_signing"]["cpu_ms_per_signature"].items():
        rows.append((f"one DKIM signature: {name}", f"{ms} ms", f"CPU, {results['dkim_signing']['message_bytes']:,}-byte message (bench/dkim_cost.py)"))
    rows.append(("message size", f"{results['runs'][-1]['message_bytes']:,} bytes", "HTML and plain text parts"))
    width = max(len(r[0]) for r in rows)
    lines = [f"| {'measure'.ljust(width)} | result | notes |", f"|{'-' * (width + 2)}|---|---|"]
    lines += [f"| {a.ljust(width)} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def run_rows(run, ceiling, whose):
    where = "" if run["through"] == "the sink" else f" through {run['through']}"
    name = f"{run['subscribers']:,} subscribers{where}, {run['signing']}"
    return [
        (f"{name}: overall", f"{run['messages_per_second']:,} msg/s",
         f"{run['seconds']} s for the whole command; {run['messages_per_second'] / ceiling:.0%} of {whose} ceiling"),
        (f"{name}: sending phase", f"{run['send_phase_messages_per_second']:,} msg/s", f"first to last message, {run['send_phase_seconds']} s"),
        (f"{name}: sender peak memory", f"{run['peak_memory_mb']} MB", "largest resident set of a sending process"),
        (f"{name}: sender CPU", f"{run['sender_cpu_ms_per_message']} ms/msg",
         f"{run['sender_cpu_seconds']} s user+system; machine load average {run['load_average_before']} before the run, {run['load_average_after']} after"),
    ]


def ratio_rows(runs, label, verified=None):
    """Each signed run's rate as a share of the unsigned one's, with the same list and receiver."""
    unsigned = next(run for run in runs if run["signing"] == UNSIGNED)
    rows = []
    for run in runs:
        if run is unsigned:
            continue
        note = f"overall; sending phase {run['send_phase_messages_per_second'] / unsigned['send_phase_messages_per_second']:.0%}"
        if verified:
            note += f"; {verified[run['signing']]} sampled copies verify (dkimpy) in the Maildir"
        rows.append((f"{label}: {run['signing']} / unsigned", f"{run['messages_per_second'] / unsigned['messages_per_second']:.0%}", note))
    return rows


def save(results, table):
    common.save(
        "newsletter", results, "Newsletter benchmark",
        f"The sender: `samizdat newsletter send --processes {results['processes']}`, {results['concurrency']} connections per "
        f"process (NEWSLETTER_CONCURRENCY); the sink in a process of its own. Signed: DKIM with keys made for the run, "
        f"a 2048-bit RSA key (rsa-sha256) and an Ed25519 key (ed25519-sha256, through Postfix only). Through Postfix: Debian's, on 127.0.0.1, delivering to one Maildir.\n\n{table}",
    )
