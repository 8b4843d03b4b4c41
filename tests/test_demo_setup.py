"""`make demo` prepares a usable installation, and running it again changes nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from erpsync.accounts.models import User
from erpsync.connections.models import Connection
from erpsync.crm.models import Company
from erpsync.db import create_database
from erpsync.demo_setup import prepare_demo
from erpsync.mapping import lists, service
from erpsync.settings import Settings, ensure_secrets


def test_demo_has_admin_crm_and_an_active_demo_connection_and_is_idempotent(
    tmp_path: Path,
) -> None:
    settings, _ = ensure_secrets(Settings(data_dir=tmp_path))
    database = create_database(settings.sqlalchemy_url)
    messages: list[str] = []
    first = prepare_demo(settings, database, progress=messages.append)
    second = prepare_demo(settings, database)
    assert first == second  # same sign-in printed every time
    assert any("Added the connection 'Demo ERP': Connected" in m for m in messages)
    with database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1
        assert session.scalar(select(func.count()).select_from(Company)) == 50
        connections = session.scalars(select(Connection)).all()
    assert [(c.name, c.connector_key, c.active) for c in connections] == [
        ("Demo ERP", "demo", True)
    ]
    assert (tmp_path / "demo-erp.sqlite").exists()
    with database.read_session() as session:  # mapped by automap, lists matched (issue 7)
        customer = service.stored(session, connections[0].id, "Customer")
        statuses = lists.pairs(session, connections[0].id, "project_statuses").erp_to_crm
    assert {(r.erp_field, r.crm_field, r.direction) for r in customer} >= {
        ("name", "name", "both"),
        ("number", "number", "to_crm"),
        ("country", "country", "both"),
    }
    assert dict(statuses) == {"1": "planned", "2": "in_progress", "3": "on_hold", "4": "completed"}
