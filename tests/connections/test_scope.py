"""Scope by group (R-CONN-6) through the service, on SQLite and PostgreSQL: a group's
members see the connection with the group's rights, rights of several grants add up,
a user outside every grant gets "not found" even for an action, membership changes
count at once, and administrators are always in scope."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from erpsync.accounts import service as accounts
from erpsync.accounts.models import User
from erpsync.accounts.schemas import GroupCreate
from erpsync.connections import service
from erpsync.connections.schemas import ConnectionCreate, ConnectionTest, ConnectionUpdate, GrantIn
from erpsync.db import Database
from erpsync.errors import NotFound, PermissionDenied
from erpsync.secrets import SecretBox
from tests.conftest import make_user

GOOD = {"host": "erp.local", "user": "sync", "password": "right"}
PASSWORD = "scope-password-1"


@pytest.fixture
def keys() -> service.Keys:
    return service.Keys(SecretBox([Fernet.generate_key().decode()]), "gate-secret")


@pytest.fixture
def connection_id(
    database: Database, keys: service.Keys, admin: User, configtest_connector: str
) -> int:
    """Anna is in Sales, Bert in Sales and Support, Carl has a grant of his own, Olle
    has none. Sales may connect, Support may create in the ERP, Carl may only see."""
    for login in ("anna", "bert", "carl", "olle"):
        make_user(database, login, PASSWORD)
    with database.session() as session:
        accounts.create_group(session, GroupCreate(name="Sales", members=["anna", "bert"]))
        accounts.create_group(session, GroupCreate(name="Support", members=["bert"]))
        token = service.test(
            session, keys, admin, ConnectionTest(connector=configtest_connector, config=GOOD)
        ).test_token
        data = ConnectionCreate(
            name="ERP",
            connector=configtest_connector,
            config=GOOD,
            test_token=token,
            scope="grants",
            grants=[
                GrantIn(group="Sales", can_connect=True, can_create_in_erp=False),
                GrantIn(group="Support", can_connect=False, can_create_in_erp=True),
                GrantIn(user="carl", can_connect=False, can_create_in_erp=False),
            ],
        )
        return service.create(session, keys, admin, data).id


def _rights(database: Database, login: str, connection_id: int) -> dict[str, str]:
    """What the service answers this user for each action: ok, forbidden or not found."""
    answers = {}
    with database.read_session() as session:
        user = accounts.user_by_login(session, login)
        for action in ("see", "connect", "create_in_erp"):
            try:
                service.get(session, user, connection_id, action)
                answers[action] = "ok"
            except PermissionDenied:
                answers[action] = "forbidden"
            except NotFound:
                answers[action] = "not found"
    return answers


def _visible(database: Database, login: str) -> list[str]:
    with database.read_session() as session:
        user = accounts.user_by_login(session, login)
        return [c.name for c in service.list_visible(session, user)]


def test_group_members_get_the_rights_of_their_groups(
    database: Database, connection_id: int
) -> None:
    assert _rights(database, "anna", connection_id) == {
        "see": "ok",
        "connect": "ok",
        "create_in_erp": "forbidden",
    }
    # Bert's two groups: connect from Sales, create from Support.
    assert _rights(database, "bert", connection_id) == {
        "see": "ok",
        "connect": "ok",
        "create_in_erp": "ok",
    }
    assert _rights(database, "carl", connection_id) == {
        "see": "ok",
        "connect": "forbidden",
        "create_in_erp": "forbidden",
    }
    assert [_visible(database, login) for login in ("anna", "bert", "carl")] == [["ERP"]] * 3


def test_outside_every_grant_the_connection_does_not_exist_even_for_an_action(
    database: Database, connection_id: int
) -> None:
    assert _rights(database, "olle", connection_id) == {
        "see": "not found",
        "connect": "not found",
        "create_in_erp": "not found",
    }
    assert _visible(database, "olle") == []
    assert _rights(database, "admin", connection_id) == {
        "see": "ok",
        "connect": "ok",
        "create_in_erp": "ok",
    }


def test_leaving_a_group_takes_its_rights_away_at_once(
    database: Database, connection_id: int
) -> None:
    with database.session() as session:
        accounts.set_group_members(session, accounts.group_by_name(session, "Sales"), ["bert"])
    assert _visible(database, "anna") == []
    assert _rights(database, "anna", connection_id)["see"] == "not found"
    with database.session() as session:  # Bert keeps Support's right, loses Sales' one
        accounts.set_group_members(session, accounts.group_by_name(session, "Sales"), [])
    assert _rights(database, "bert", connection_id) == {
        "see": "ok",
        "connect": "forbidden",
        "create_in_erp": "ok",
    }


def test_everyone_scope_and_deletion_apply_to_group_members_too(
    database: Database, keys: service.Keys, admin: User, connection_id: int
) -> None:
    with database.session() as session:
        service.update(session, keys, admin, connection_id, ConnectionUpdate(scope="everyone"))
    assert _visible(database, "olle") == ["ERP"]
    assert _rights(database, "olle", connection_id)["connect"] == "ok"
    with database.session() as session:
        service.delete(session, admin, connection_id)
    assert _visible(database, "anna") == [] and _visible(database, "olle") == []
    assert _rights(database, "anna", connection_id)["see"] == "not found"
    assert _rights(database, "admin", connection_id)["see"] == "ok"  # to restore it
