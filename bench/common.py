"""Pieces every benchmark script uses: progress lines, the machine's description, a free port,
saving results."""

import json
import os
import platform
import socket
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where results go: bench/results/, whose numbers we quote; elsewhere for trial runs.
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results"))


def step(message):
    print(f"--- {message}", flush=True)


def machine():
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def save(name, results, title, text):
    """bench/results/NAME.json and NAME.md (`# TITLE (date, CPUs)`, the command, then `text`)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    results["date"] = stamp
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / f"{name}.md").write_text(f"# {title} ({stamp}, {results['machine']['cpus']} CPUs)\n\n`make bench`\n\n{text}\n")
    print(f"\nSaved to {RESULTS / name}.json and {name}.md")
