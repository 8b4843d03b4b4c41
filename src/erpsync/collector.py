"""The cyclic garbage collector of erpsync's own processes, set once at start.

A sync run or an import streams hundreds of thousands of actors: each is a small
GC-tracked object that lives for one batch and is freed by reference counting. With
Python's default thresholds (a collection every 700 net new objects) the collector
runs several times per batch and each time walks the batch's live objects, and its
full collections walk every module object loaded at start: a quarter of the CPU time
of a 1M-row change stream (`bench/connectors.py`). So `erpsync` (every command, hence
`sync run`, `import`, `serve` with its embedded runner, `worker` and its forked
processes) calls `tune_for_throughput` once, as high-throughput Python services do:

- `gc.freeze()` moves everything loaded so far (modules, classes, the app's imports)
  to a permanent generation that full collections no longer walk; forked worker
  processes also keep sharing those pages instead of copying them.
- a first-generation threshold of 50,000 net new objects, so a batch of actors that is
  built and freed again no longer triggers collections; cyclic garbage is still
  collected, at most that many objects later.

It changes no behaviour, only when the collector runs. Tests do not call it: they use
the interpreter's defaults.
"""

from __future__ import annotations

import gc

#: (generation 0, 1, 2) thresholds; 0: net new tracked objects between collections.
THRESHOLDS = (50_000, 20, 10)


def tune_for_throughput() -> None:
    """Freeze what start-up loaded and collect less often. Safe to call again."""
    gc.freeze()  # O(1); a collection first would cost ~0.2 s and find nothing to free
    gc.set_threshold(*THRESHOLDS)
