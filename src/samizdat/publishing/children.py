"""Forked renderers that die with the process that forked them.

A worker killed with SIGKILL has no chance to stop its children; left running, they would go on
writing into a build nobody will swap in, and hold memory and CPU for nothing."""

import ctypes
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent):
    """Call first thing in a forked child; `parent` is the pid of the process that forked it."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:  # pragma: no cover: elsewhere, a thread watches for the parent to go
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    # The parent may have died before the line above took effect: then no signal will ever come.
    if os.getppid() != parent:
        os._exit(1)


def _exit_when_orphaned(parent):  # pragma: no cover
    while os.getppid() == parent:
        threading.Event().wait(1)
    os._exit(1)
