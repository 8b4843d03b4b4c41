"""The SDK stands alone (R-SDK-1): `erpsync.sdk` imports nothing else of erpsync, and the
built-in connectors import only the SDK, so a connector package needs nothing but
`erpsync.sdk` and the SDK never pulls in the CRM, the database or the web layer."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import erpsync

PACKAGE = Path(erpsync.__file__).parent


def _erpsync_imports(path: Path) -> list[tuple[int, str]]:
    """Every `erpsync…` module a file imports, at any depth, with its line."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("erpsync")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith("erpsync"):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def _outside(folder: str, allowed: tuple[str, ...]) -> list[str]:
    wrong = []
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        for line, module in _erpsync_imports(path):
            if module.startswith("."):
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} relative import {module}")
            elif not any(module == a or module.startswith(a + ".") for a in allowed):
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    return wrong


@pytest.mark.parametrize(
    ("folder", "allowed"),
    [
        ("sdk", ("erpsync.sdk",)),
        ("connectors", ("erpsync.sdk", "erpsync.connectors")),
    ],
)
def test_the_sdk_and_the_connectors_import_only_the_sdk(
    folder: str, allowed: tuple[str, ...]
) -> None:
    assert _outside(folder, allowed) == []


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "leaky.py"
    module.write_text(
        "from erpsync.sdk import Connector\n"
        "def f():\n"
        "    from erpsync.crm import service\n"
        "    import erpsync.db.engine\n"
    )
    assert _erpsync_imports(module) == [
        (1, "erpsync.sdk"),
        (3, "erpsync.crm"),
        (4, "erpsync.db.engine"),
    ]


def test_importing_the_whole_sdk_loads_no_crm_database_or_web_module() -> None:
    program = (
        "import importlib, pkgutil, sys\n"
        "import erpsync.sdk\n"
        "for info in pkgutil.walk_packages(erpsync.sdk.__path__, 'erpsync.sdk.'):\n"
        "    importlib.import_module(info.name)\n"
        "print('\\n'.join(m for m in sys.modules if m.startswith('erpsync.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = result.stdout.split()
    assert "erpsync.sdk.testkit.kit" in loaded  # the walk reached the sub-packages
    assert [m for m in loaded if not m.startswith("erpsync.sdk")] == []
