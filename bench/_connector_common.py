"""What the connector benchmarks share: the customer columns and their field types,
the peak-RSS sampler, and running phases side by side with ratios to the first
(`bench/connectors.py`, `bench/_connector_files.py`)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

TEXTS = ["code", "name", "org_no", "email", "phone", "street", "zip", "city",
         "country_code", "currency_code"]  # fmt: skip
COLUMNS = [*TEXTS, "credit_limit", "discount", "employees", "blocked", "founded", "updated_at"]
TYPES = {"credit_limit": "Decimal", "discount": "Double", "employees": "Integer",
         "blocked": "Checkbox", "founded": "Date", "updated_at": "Datetime"}  # fmt: skip

Phase = tuple[str, Callable[[Any, str], int]]


class PeakRss:
    """Samples this process's resident memory every 20 ms while in use."""

    def __enter__(self) -> PeakRss:
        self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._rss())


def measure(
    name: str, loop: Callable[[Any, str], int], url: Any, dialect: str
) -> tuple[float, float]:
    """Rows per second of wall time and of this process's CPU time (all threads).

    The CPU rate does not count the database server's work, and it holds steady when
    other programs load the machine; the wall rate is what a sync run sees.
    """
    with PeakRss() as rss:
        started, cpu = time.perf_counter(), time.process_time()
        count = loop(url, dialect)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rate = count / seconds
    print(f"  {name:<10} {count:>9,} rows {seconds:7.2f} s {rate:>10,.0f} rows/s "
          f"cpu {cpu:6.2f} s peak RSS {rss.peak / 2**20:6.0f} MB", flush=True)  # fmt: skip
    return rate, count / max(cpu, 1e-9)


def compare(phases: list[Phase], url: Any, dialect: str, repeat: int) -> None:
    """Run the phases in turn `repeat` times; print the best ratios to the first."""
    best: dict[str, tuple[float, float]] = {}
    for _ in range(repeat):
        for name, loop in phases:
            wall, cpu = measure(name, loop, url, dialect)
            old = best.get(name, (0.0, 0.0))
            best[name] = (max(old[0], wall), max(old[1], cpu))
    raw = best[phases[0][0]]
    for name, _ in phases[1:]:
        wall, cpu = best[name]
        print(
            f"  {name}/raw: {wall / raw[0]:.2f}× wall, {cpu / raw[1]:.2f}× cpu (best of {repeat})"
        )
