"""Runs connector calls on one daemon thread so the host can stop waiting after a timeout.

Python cannot kill a thread, so a call that hangs keeps its thread; the host then
abandons that worker and later calls get a fresh one. The threads are daemons (not a
`ThreadPoolExecutor`, whose threads are joined at exit) so a hung ERP never keeps
the process alive. One thread per worker keeps a connector's calls on one thread,
which drivers with thread affinity need.

A call can be submitted before anyone waits for it (`Submitted`): the change stream
reads its next batch this way while the engine works on the current one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, NamedTuple, TypeVar

T = TypeVar("T")

_Job = tuple[Callable[[], Any], Future[Any]]


class Submitted(NamedTuple, Generic[T]):
    """A call handed to a worker: its answer, and the worker that runs it."""

    worker: CallWorker
    future: Future[T]


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
        """Let the thread end after the jobs submitted so far."""
        self._jobs.put(None)

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            _execute(*job)
            # Keep nothing of a finished job while waiting: a dropped change stream's
            # generator is then released (and closed) at once, on this thread.
            job = None


def _execute(call: Callable[[], Any], future: Future[Any]) -> None:
    if not future.set_running_or_notify_cancel():
        return  # cancelled before it started (a read-ahead nobody wants any more)
    try:
        result = call()
    except BaseException as exc:  # handed to the waiting caller
        future.set_exception(exc)
    else:
        future.set_result(result)
