"""A one-line progress bar for the terminal (and plain periodic lines when not on one)."""

import sys
import time


class ProgressBar:
    def __init__(self, total, label="", stream=None, width=30):
        self.total, self.label, self.width = max(total, 1), label, width
        self.stream = stream or sys.stderr
        self.done = 0
        self.started = time.monotonic()
        self.last_drawn = 0.0
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, _item=None):
        self.done += 1
        now = time.monotonic()
        if self.done == self.total or now - self.last_drawn >= (0.1 if self.tty else 5):
            self.last_drawn = now
            self.draw(now)

    def draw(self, now):
        fraction = min(self.done / self.total, 1)
        filled = int(fraction * self.width)
        rate = self.done / max(now - self.started, 1e-6)
        line = (
            f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{self.done}/{self.total} {fraction:4.0%} {rate:6.0f}/s"
        )
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()
