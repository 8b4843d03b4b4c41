"""Schemathesis over the app's OpenAPI (R-UI-1): no input makes the API answer 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from erpsync.accounts import service as accounts
from erpsync.accounts.schemas import TokenCreate
from erpsync.app import create_app
from erpsync.db import Database
from erpsync.settings import Settings
from tests.conftest import ADMIN_PASSWORD, make_user


@pytest.fixture
def fuzz_app(settings: Settings, sqlite_database: Database) -> Iterator[tuple[Any, str]]:
    admin = make_user(sqlite_database, "admin", ADMIN_PASSWORD, "admin")
    with sqlite_database.session() as session:
        _, token = accounts.create_token(session, admin, TokenCreate(name="fuzz"))
    app = create_app(settings, sqlite_database)
    with TestClient(app):
        yield app, token


def _fuzz_operation(operation: Any, token: str) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case: Any) -> None:
        if case.method == "DELETE" and case.path == "/tokens/{token_id}":
            case.path_parameters = {"token_id": 999_999}  # keep the fuzzing token alive
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} answered {response.status_code}: "
            f"{response.text[:500]}"
        )

    run()


def test_api_never_answers_with_a_server_error(fuzz_app: tuple[Any, str]) -> None:
    app, token = fuzz_app
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        _fuzz_operation(operation, token)
