"""Pieces every benchmark script uses: progress lines, the machine's description, a free port."""

import os
import platform
import socket
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
