"""Fixtures of the connection tests: the config-test connector installed as a plug-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.connections import plugin


@pytest.fixture(scope="session")
def configtest_connector(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from (plugin.KEY for _ in plugin.install(tmp_path_factory.mktemp("plugins")))
