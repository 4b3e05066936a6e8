"""CPU time that getrusage can't give: the whole machine's, and a process tree's that we didn't
start (a Postfix master and its daemons), both from /proc."""

import os
from pathlib import Path


def machine_ticks():
    """(busy, all) clock ticks of every CPU since boot, from /proc/stat."""
    user, nice, system, idle, iowait, *rest = (int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:])
    busy = user + nice + system + sum(rest[:3])  # irq, softirq, steal
    return busy, busy + idle + iowait


def process_tree_cpu_seconds(root):
    """CPU seconds (user+system) of process `root`, its children, and the children it has reaped:
    a Postfix master and its daemons."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, fields = int(stat.parent.name), stat.read_text().rpartition(")")[2].split()
        except (OSError, ValueError):
            continue  # ended meanwhile
        if pid == root:
            ticks += sum(int(n) for n in fields[11:15])  # utime, stime, cutime, cstime
        elif int(fields[1]) == root:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")
