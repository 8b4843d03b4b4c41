"""An unreachable ERP explained to whom (R-CONN-6, R-SDK-6): on the ERP tab, in a search
and in price lists a user reads the connector's user explanation only, an administrator
also its technical detail (here the demo ERP's file path); on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.explain import explanation, technical_detail
from erpsync.db import Database
from erpsync.pricing.cache import shared_cache
from erpsync.sdk.errors import ConnectorError, config_error
from erpsync.secrets import SecretBox
from erpsync.settings import Settings
from tests.conftest import ADMIN_PASSWORD, signed_in
from tests.linking.conftest import TabEnv, make_env

USER_TEXT = "There is no demo ERP database at the configured path"


@pytest.fixture
def env(
    database: Database, settings: Settings, admin: User, app_client: TestClient, tmp_path: Path
) -> TabEnv:
    shared_cache().clear()
    keys = connections.Keys(SecretBox(settings.secret_keys), settings.session_secret)
    return make_env(database, keys, admin, tmp_path, app_client)


def _answers(env: TabEnv, client: TestClient, company_id: int) -> list[str]:
    tab = client.get(env.url(company_id))
    assert tab.status_code == 200, tab.text
    [section] = tab.json()["sections"]
    assert section["stale"]
    body = {"actor_type": "Customer", "text": "a"}
    search = client.post(env.url(company_id, "/search"), json=body)
    lists = client.get(f"/api/v1/connections/{env.connection_id}/price-lists")
    assert (search.status_code, lists.status_code) == (503, 503), (search.text, lists.text)
    return [section["message"], search.json()["detail"], lists.json()["detail"]]


def test_users_read_the_user_explanation_and_administrators_the_detail_too(
    env: TabEnv,
) -> None:
    company_id = env.company(name="Explained AB")
    sales = env.as_user("sales")
    linked = sales.post(
        env.url(company_id, "/connect"), json={"actor_type": "Customer", "erp_key": "10002"}
    )
    assert linked.status_code == 201, linked.text
    where = str(env.erp_path)
    env.erp_path.rename(env.erp_path.with_suffix(".moved"))
    for message in _answers(env, sales, company_id):
        assert USER_TEXT in message and where not in message, message
        assert "Details" not in message
    env.client.cookies.clear()
    env.client.headers.pop("X-CSRF-Token", None)
    admin = signed_in(env.client, env.admin.login, ADMIN_PASSWORD)
    for message in _answers(env, admin, company_id):
        assert USER_TEXT in message and f"Details: There is no demo ERP database at {where}" in (
            message
        ), message


def test_a_traceback_gives_its_last_line_and_long_detail_is_cut() -> None:
    crash = ConnectorError(
        "system",
        "The connector failed.",
        'Traceback (most recent call last):\n  File "x.py", line 1\nZeroDivisionError: division',
    )
    assert explanation(crash, admin=False) == "The connector failed."
    assert explanation(crash, admin=True) == (
        "The connector failed. (Details: ZeroDivisionError: division)"
    )
    assert len(technical_detail("x" * 5000)) == 400
    same = config_error("Host db.example is unknown.", "Host db.example is unknown.")
    assert explanation(same, admin=True) == "Host db.example is unknown."
