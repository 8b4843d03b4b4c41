"""Fixtures: the session's Tryton template database, and a server on a fresh copy.

trytond missing or unable to start → the tests skip with the reason; with
`ERPSYNC_REQUIRE_SERVICES=1` (CI) they fail instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.connectors.tryton.server import (
    TrytonServer,
    build_template,
    serve_copy,
    trytond_missing,
)
from tests.services import services_required


def _unavailable(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason} and ERPSYNC_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def tryton_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SQLite file of a Tryton database built once per session (~15 s)."""
    missing = trytond_missing()
    if missing:
        _unavailable(missing)
    try:
        return build_template(tmp_path_factory.mktemp("tryton-template"))
    except (RuntimeError, OSError) as exc:
        _unavailable(f"trytond cannot start here: {exc}")
        raise


@pytest.fixture
def tryton_server(tryton_template: Path, tmp_path: Path) -> Iterator[TrytonServer]:
    """A trytond serving a private copy of the template (tests may write)."""
    server = serve_copy(tryton_template, tmp_path / "tryton")
    try:
        yield server
    finally:
        server.stop()
