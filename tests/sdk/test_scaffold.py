"""The scaffold behind `erpsync connector new NAME` writes a package that installs, is found by the
registry, and runs the conformance kit, whose tests fail naming what to implement
(R-SDK-9)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from importlib.util import find_spec
from pathlib import Path

import pytest

from erpsync.sdk.scaffold import Names, new_connector
from erpsync.sdk.testkit import CHECKS


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(arg) for arg in args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def make_venv(path: Path) -> Path:
    """A venv made with --system-site-packages that also sees this project's venv.

    --system-site-packages exposes the *base* interpreter's packages, but erpsync is
    installed in the project's venv; a .pth line adds that venv's site-packages
    (processing its .pth files, so the editable erpsync is found) after the new
    venv's own, where the generated package is installed.
    """
    done = run(sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", path)
    assert done.returncode == 0, done.stderr
    python = path / "bin" / "python"
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    bridge = Path(site.stdout.strip()) / "erpsync-project.pth"
    bridge.write_text(f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    return python


@pytest.mark.slow
def test_a_generated_connector_installs_is_listed_and_runs_the_kit(tmp_path: Path) -> None:
    package = new_connector("acme-erp", tmp_path)
    assert package == tmp_path / "acme-erp-erpsync" and (package / "README.md").exists()
    python = make_venv(tmp_path / "venv")
    # The package builds with hatchling: taken from this environment when it has it
    # (offline), else pip fetches it into an isolated build environment.
    offline = ["--no-index", "--no-build-isolation"] if find_spec("hatchling") else []
    installed = run(
        sys.executable, "-m", "pip", "--python", python,
        "install", "--no-deps", *offline, "-q", "-e", package,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr

    listed = run(python, "-m", "erpsync", "connector", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    (acme,) = [row for row in json.loads(listed.stdout) if row["key"] == "acme_erp"]
    assert acme["load_error"] is None and acme["name"] == "Acme Erp"
    assert acme["entry_point"] == "acme_erp_erpsync:AcmeErpConnector"

    tested = run(python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rf", cwd=package)
    assert tested.returncode == 1, tested.stdout + tested.stderr
    assert f"{len(CHECKS)} failed" in tested.stdout, tested.stdout
    for name in CHECKS:
        assert f"TestAcmeErpConnectorConformance::test_{name}" in tested.stdout
    assert "not implemented yet: open" in tested.stdout


def test_names_and_refusals(tmp_path: Path) -> None:
    names = Names.of("acme_erp")
    assert (names.key, names.distribution, names.module, names.class_name) == (
        "acme_erp",
        "acme-erp-erpsync",
        "acme_erp_erpsync",
        "AcmeErpConnector",
    )
    for bad in ("Acme", "1acme", "acme erp", "acme-", ""):
        with pytest.raises(ValueError, match="not a usable connector name"):
            Names.of(bad)
    new_connector("acme", tmp_path)
    with pytest.raises(ValueError, match="already exists"):
        new_connector("acme", tmp_path)
