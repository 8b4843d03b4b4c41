"""The `erpsync` command sets the garbage collector for throughput once at start
(`erpsync.collector`), in its own process: the test process keeps the defaults."""

from __future__ import annotations

import gc
import subprocess
import sys

from erpsync.collector import THRESHOLDS

PROBE = """
import gc, sys
from erpsync.cli.main import main
sys.argv = ["erpsync", "version"]
try:
    main()
except SystemExit:
    pass
print(gc.get_threshold(), gc.get_freeze_count() > 10_000)
"""


def test_the_erpsync_command_freezes_start_up_and_collects_less_often() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    version, settings = done.stdout.strip().splitlines()
    assert version
    assert settings == f"{THRESHOLDS} True"
    assert gc.get_threshold()[0] < THRESHOLDS[0]  # importing the CLI changed nothing here
