"""The registry finds connectors by entry point, validates them at load, names the
installed keys for an unknown one, and reports broken plug-ins without breaking the
others (R-SDK-1); `erpsync connector list` shows the same."""

from __future__ import annotations

import json
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from typer.testing import CliRunner

from erpsync.cli.main import app
from erpsync.connectors.demo import DemoConnector
from erpsync.sdk import ActorType, Category, ChangeTracking, ConnectorError, registry


def point(name: str, target: str) -> EntryPoint:
    return EntryPoint(name, f"tests.sdk.plugins.{target}", registry.GROUP)


def test_the_demo_connector_is_installed() -> None:
    (demo,) = [info for info in registry.available() if info.key == "demo"]
    assert demo.ok
    assert (demo.name, demo.version, demo.change_tracking) == (
        "Demo ERP",
        "1.0.0",
        ChangeTracking.CURSOR,
    )
    assert ActorType.PROJECT in demo.actor_types
    assert registry.load("demo") is DemoConnector


def test_an_unknown_key_lists_the_installed_ones() -> None:
    points = [point("acme", "good:Acme"), point("broken", "import_error:Anything")]
    with pytest.raises(ConnectorError) as caught:
        registry.load("sap", points)
    assert caught.value.category is Category.CONFIG
    assert caught.value.user_explanation == (
        "No connector 'sap' is installed (installed: acme, broken)."
    )


@pytest.mark.parametrize(
    ("name", "target", "reason"),
    [
        ("broken", "import_error:X", "ImportError: the acme_driver package is not installed"),
        ("plain", "invalid:NotAConnector", "is not a subclass of erpsync.sdk.Connector"),
        ("unfinished", "invalid:Unfinished", "Unfinished does not implement: actor_fields"),
        ("no_version", "invalid:NoVersion", "NoVersion has no version"),
        ("other", "good:Acme", "Acme.key is 'acme' but its entry point is named 'other'"),
        ("missing", "good:Nothing", "has no attribute 'Nothing'"),
        ("overriding", "overrides_final:Overriding", "Overriding overrides facts"),
    ],
)
def test_a_broken_plug_in_is_reported_with_its_error(name: str, target: str, reason: str) -> None:
    points = [point("acme", "good:Acme"), point(name, target)]
    infos = {info.key: info for info in registry.available(points)}
    assert infos["acme"].ok  # the others still load
    assert infos[name].load_error is not None and reason in infos[name].load_error
    with pytest.raises(ConnectorError, match="is installed but cannot be loaded") as caught:
        registry.load(name, points)
    assert caught.value.category is Category.SYSTEM


def test_two_plug_ins_with_one_key_are_refused() -> None:
    points = [point("acme", "good:Acme"), point("acme", "good:Acme")]
    with pytest.raises(ConnectorError, match="two plug-ins register this key"):
        registry.load("acme", points)


def install_fake_distribution(root: Path) -> None:
    """A real installed distribution (dist-info with entry points) on sys.path."""
    info = root / "acme_erpsync-2.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-erpsync\nVersion: 2.1.0\n")
    (info / "entry_points.txt").write_text(
        "[erpsync.connectors]\n"
        "acme = tests.sdk.plugins.good:Acme\n"
        "zbroken = tests.sdk.plugins.import_error:Connector\n"
    )


def test_connector_list_shows_installed_and_broken_plug_ins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_distribution(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    runner = CliRunner()
    listed = runner.invoke(app, ["connector", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {row["key"]: row for row in json.loads(listed.output)}
    assert rows["demo"]["actor_types"] == ["Customer", "Supplier", "Partner", "Person", "Project"]
    assert rows["demo"]["change_tracking"] == "cursor" and rows["demo"]["load_error"] is None
    assert rows["acme"]["version"] == "2.1.0" and rows["acme"]["actor_types"] == ["Customer"]
    assert "acme_driver package is not installed" in rows["zbroken"]["load_error"]
    table = runner.invoke(app, ["connector", "list"], env={"COLUMNS": "200"})
    assert table.exit_code == 0
    assert "Demo ERP" in table.output and "Acme ERP" in table.output
    assert "cannot be loaded" in table.output and "zbroken" in table.output
