"""Fixtures of the pricing tests: connections made through the connections service, as
an administrator would (tested before saving), with a scope of granted users."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate, GrantIn
from erpsync.db import Database
from erpsync.pricing.cache import shared_cache
from erpsync.secrets import SecretBox
from erpsync.settings import Settings


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    shared_cache().clear()


@pytest.fixture
def keys(settings: Settings) -> connections.Keys:
    """The app's keys (same settings as `app_client`), so stored secrets open there too."""
    return connections.Keys(SecretBox(settings.secret_keys), settings.session_secret)


def add_connection(
    database: Database,
    keys: connections.Keys,
    name: str,
    connector: str,
    config: dict[str, Any],
    grants: list[str],
) -> int:
    """A tested, saved and active connection whose scope is the granted users."""
    with database.session() as session:
        admin = session.scalars(select(User).where(User.role == "admin")).one()
        data = ConnectionCreate(
            name=name,
            connector=connector,
            config=config,
            scope="grants",
            grants=[GrantIn(user=login) for login in grants],
        )
        result, connection = connections.create_tested(session, keys, admin, data)
        assert connection is not None, result.message
        connection.active = True  # mapping and activation are other tests' subject
        return connection.id
