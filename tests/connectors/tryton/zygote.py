"""One process that loads Tryton and its modules for the template database once, then
forks a ready server per test on that test's copy of the database.

Loading the activated modules (account, sale, stock, …) costs trytond about three
seconds per start; a fork costs milliseconds. The child only points Tryton's database
folder at its own copy (same database name, so the loaded module pool fits) and
serves it on its own port, exactly as `trytond` serves (werkzeug, threaded).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

ZYGOTE = """
import os, signal, sys
import trytond.tools.email_ as email_
_check = email_.validate_email
email_.validate_email = lambda email, check_deliverability=True: _check(email, False)
from trytond import backend, config
config.update_etc(sys.argv[1])
from trytond.pool import Pool
from trytond.wsgi import app
Pool.start()
Pool(sys.argv[2]).init()
backend.Database(sys.argv[2]).close()
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped at once
print("ready", flush=True)
for line in sys.stdin:
    folder, port = line.split()
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        log = os.open(os.path.join(folder, "trytond.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(0)
        config.set("database", "path", folder)
        from werkzeug.serving import run_simple
        run_simple("127.0.0.1", int(port), app, threaded=True)
        os._exit(0)
    print(pid, flush=True)
"""


class Zygote:
    """Forks Tryton servers preloaded for one template (database name `database`)."""

    def __init__(self, template: Path, folder: Path, conf_text: str, database: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, folder / f"{database}.sqlite")
        conf = folder / "trytond.conf"
        conf.write_text(conf_text)
        self.folder = folder
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE, str(conf), database],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=(folder / "zygote.log").open("ab"),
            cwd=folder,
            start_new_session=True,  # its forks share its group: stopped together
            text=True,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            self.stop()
            log = (folder / "zygote.log").read_text()[-2000:]
            raise RuntimeError(f"the Tryton zygote did not start: {log}")
        atexit.register(self.stop)

    def fork(self, folder: Path, port: int) -> int:
        """The pid of a new server on `folder`'s copy, about to listen on `port`."""
        assert self.process.stdin is not None and self.process.stdout is not None
        with self._lock:
            self.process.stdin.write(f"{folder} {port}\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline().strip()
        if not answer.isdigit():
            raise RuntimeError(f"the Tryton zygote answered {answer!r}")
        return int(answer)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)
