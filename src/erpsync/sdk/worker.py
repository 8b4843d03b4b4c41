"""Runs connector calls on one daemon thread so the host can stop waiting after a timeout.

Python cannot kill a thread, so a call that hangs keeps its thread; the host then
abandons that worker and later calls get a fresh one. The threads are daemons (not a
`ThreadPoolExecutor`, whose threads are joined at exit) so a hung ERP never keeps
the process alive. One thread per worker keeps a connector's calls on one thread,
which drivers with thread affinity need.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

_Job = tuple[Callable[[], Any], Future[Any]]


class CallWorker:
    """A daemon thread that runs submitted callables one after another."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, call: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._jobs.put((call, future))
        return future

    def stop(self) -> None:
        """Let the thread end after the job it runs (if any)."""
        self._jobs.put(None)

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            call, future = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = call()
            except BaseException as exc:  # handed to the waiting caller
                future.set_exception(exc)
            else:
                future.set_result(result)
