"""Progress of a fit's stages: totals, rows per second and time left, on one line per stage.

One :class:`Progress` object follows one stage (labeling the whole transfer set, say) across
every call that does part of it, so its counters never restart. Where a terminal is attached the
line is redrawn in place as a progress bar; elsewhere (logs, notebooks) it is printed at most
every ``_LOG_EVERY_SECONDS``, or after every update with ``verbose >= 2``, and once at the end.
"""

import sys
import time

_PREFIX = "[skdistill]"
_LOG_EVERY_SECONDS = 10.0
_BAR_WIDTH = 20


def log(verbose, message):
    """Print ``message`` (one line) when ``verbose`` is set."""
    if verbose:
        print(f"{_PREFIX} {message}", flush=True)


def _duration(seconds):
    if seconds != seconds or seconds == float("inf"):
        return "?"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes}m{seconds:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


class Progress:
    """Counts the rows of one stage and reports them.

    Parameters
    ----------
    stage : str
        What is counted, e.g. "labeling".
    total : int
        Rows the stage will process in all.
    verbose : int
        0 prints nothing; 1 a line per stage (redrawn in a terminal, every 10 s otherwise);
        2 and more a line per update.
    stream : file, default=None
        Where to print; ``sys.stdout`` when None.

    Examples
    --------
    >>> progress = Progress("labeling", 300, verbose=2, clock=iter(range(10)).__next__)
    >>> progress.update(100)
    [skdistill] labeling 100/300 rows (33%), 100 rows/s, 2.0s left
    >>> progress.update(200)
    [skdistill] labeling 300/300 rows (100%), 150 rows/s, 0.0s left
    >>> progress.close()
    [skdistill] labeling done: 300 rows in 3.0s (100 rows/s)
    """

    def __init__(self, stage, total, *, verbose, stream=None, clock=time.perf_counter):
        self.stage, self.total, self.verbose = stage, int(total), int(verbose or 0)
        self.stream = sys.stdout if stream is None else stream
        self.clock = clock
        self.done = 0
        self.start = self.clock()
        self._last_print = self.start
        isatty = getattr(self.stream, "isatty", None)
        self._bar = bool(self.verbose == 1 and isatty is not None and isatty())

    def update(self, n_rows):
        """Count ``n_rows`` more rows and report when it is time."""
        self.done += int(n_rows)
        if not self.verbose:
            return
        now = self.clock()
        if self._bar or self.verbose >= 2 or now - self._last_print >= _LOG_EVERY_SECONDS:
            self._last_print = now
            self._print(self._status(now), end="\r" if self._bar else "\n")

    def close(self):
        """Report the stage's totals (one line)."""
        if not self.verbose:
            return
        elapsed = max(self.clock() - self.start, 1e-9)
        rate = self.done / elapsed
        line = f"{self.stage} done: {self.done:,} rows in {_duration(elapsed)} ({rate:,.0f} rows/s)"
        self._print(line + (" " * 20 if self._bar else ""))

    def _status(self, now):
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        share = self.done / self.total if self.total else 1.0
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        bar = ""
        if self._bar:
            filled = int(round(share * _BAR_WIDTH))
            bar = "|" + "#" * filled + " " * (_BAR_WIDTH - filled) + "| "
        return (
            f"{self.stage} {bar}{self.done:,}/{self.total:,} rows ({share:.0%}), "
            f"{rate:,.0f} rows/s, {_duration(left)} left"
        )

    def _print(self, line, end="\n"):
        print(f"{_PREFIX} {line}", end=end, file=self.stream, flush=True)
