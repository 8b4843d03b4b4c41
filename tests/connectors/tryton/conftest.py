"""Fixtures: the session's Tryton template database, and a server on a fresh copy.

trytond missing or unable to start → the tests skip with the reason; with
`ERPSYNC_REQUIRE_SERVICES=1` (CI) they fail instead.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.connectors.tryton.server import (
    TEMPLATE_DB,
    TrytonServer,
    build_template,
    serve_copy,
    template_key,
    trytond_missing,
)
from tests.services import services_required


def _unavailable(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason} and ERPSYNC_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def tryton_template(request: pytest.FixtureRequest) -> Path:
    """The SQLite file of a Tryton database built once (~18 s) and kept in pytest's
    cache, keyed by the installed Tryton modules and the code that builds it."""
    missing = trytond_missing()
    if missing:
        _unavailable(missing)
    cache = getattr(request.config, "cache", None)  # absent under `-p no:cacheprovider`
    name = f"tryton-template-{template_key()}"
    # Without the cache: one folder of the session's temp dir, shared by the conftests
    # that each import this session fixture (a second `mktemp` of the name would fail).
    folder = (
        cache.mkdir(name)
        if cache is not None
        else request.getfixturevalue("tmp_path_factory").getbasetemp() / name
    )
    built = folder / f"{TEMPLATE_DB}.sqlite"
    if (folder / "complete").exists():
        return built
    try:
        if folder.exists():  # a build that did not complete
            shutil.rmtree(folder)
        path = build_template(folder)
    except (RuntimeError, OSError) as exc:
        _unavailable(f"trytond cannot start here: {exc}")
        raise
    (folder / "complete").touch()
    return path


@pytest.fixture
def tryton_server(tryton_template: Path, tmp_path: Path) -> Iterator[TrytonServer]:
    """A trytond serving a private copy of the template (tests may write)."""
    server = serve_copy(tryton_template, tmp_path / "tryton")
    try:
        yield server
    finally:
        server.stop()
