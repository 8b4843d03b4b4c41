"""The SDK's helpers for the shape connectors share: the state from `open` to `close`,
a batch size the host lowered kept across `open`, and a save one actor at a time in
which a refused actor does not stop the others (R-SDK-5, R-SDK-6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from erpsync.connectors.demo import DemoConnector
from erpsync.sdk import (
    Actor,
    ActorType,
    Category,
    ConnectorError,
    config_error,
    data_error,
    save_each,
)


def test_a_failing_open_leaves_the_connector_closed_not_on_its_old_database(
    demo_db: Path, tmp_path: Path
) -> None:
    connector = DemoConnector()
    connector.open("c", {"database": str(demo_db)})
    assert connector.instance_id()
    with pytest.raises(ConnectorError) as refused:
        connector.open("c", {"database": str(tmp_path / "missing.sqlite")})
    assert refused.value.category is Category.CONFIG
    with pytest.raises(ConnectorError) as closed:
        connector.instance_id()
    assert closed.value.code == "unknown_connection"
    assert "the demo connector is not open" in closed.value.technical_explanation
    connector.close()
    connector.close()  # closing twice is fine


def test_a_batch_size_the_host_lowered_survives_open(demo_db: Path) -> None:
    connector = DemoConnector()
    connector.open("c", {"database": str(demo_db), "batch_size": 200})
    assert connector.batch_size == 200
    connector.batch_size = 7  # the host lowers it on this instance
    connector.open("c", {"database": str(demo_db), "batch_size": 200})
    assert connector.batch_size == 7
    connector.open("c", {"database": str(demo_db), "batch_size": 3})
    assert connector.batch_size == 3
    connector.close()


def _actors(*keys: str) -> list[Actor]:
    return [Actor(ActorType.CUSTOMER, key, {"name": key}) for key in keys]


def _save_one(actor: Actor) -> tuple[bool, Actor | None]:
    if actor.key == "bad":
        raise data_error("The name is too long.", field="name")
    if actor.key == "locked":
        raise config_error("The ERP user may not write customers.")
    return True, actor


def test_a_refused_actor_is_its_own_failed_result_and_the_others_are_saved() -> None:
    results = save_each(_actors("1", "bad", "2"), _save_one, named=True)
    assert [(r.key, r.changed, r.response.ok) for r in results] == [
        ("1", True, True),
        ("bad", False, False),
        ("2", True, True),
    ]
    failed = results[1].response
    assert failed.category is Category.DATA
    assert failed.user_explanation == "Customer bad: The name is too long."


def test_a_failure_outside_the_refused_categories_stops_the_save() -> None:
    with pytest.raises(ConnectorError) as stopped:
        save_each(_actors("1", "locked", "2"), _save_one)
    assert stopped.value.category is Category.CONFIG
    results = save_each(_actors("locked"), _save_one, refused=tuple(Category))
    assert results[0].response.category is Category.CONFIG
