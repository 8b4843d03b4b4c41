"""SQL connector errors in the contract's categories (R-CON-1, R-SDK-6): unknown tables
and columns name what exists, wrong logins name user@host and never the password,
unreachable servers are transient, a bad row is a `data` error naming it."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest
import sqlalchemy as sa

from erpsync.connectors.sql import SqlConnector
from erpsync.sdk import Actor, ActorType, Category
from erpsync.sdk.host import ConnectorHost
from tests.connectors.sql import erp_schema as erp
from tests.connectors.sql.hooks import config_for

SECRET = "Sup3r-s3cret-pw"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> sa.URL:
    url = sa.make_url(f"sqlite:///{tmp_path / 'erp.sqlite'}")
    engine = sa.create_engine(url)
    erp.create_schema(engine)
    engine.dispose()
    return url


def test_unknown_tables_and_columns_are_named_with_what_exists(sqlite_url: sa.URL) -> None:
    mapping = erp.MAPPING.replace("table: project", "table: projekt").replace("org_no", "org_nr")
    answer = SqlConnector().test_config({**config_for(sqlite_url), "mapping": mapping})
    assert not answer.ok and answer.category is Category.CONFIG
    text = answer.user_explanation
    assert "table 'projekt' does not exist (tables: company, contact, country, currency" in text
    assert "column 'org_nr' does not exist in table 'company' (columns: id, code, name" in text


def test_a_mapping_that_is_not_valid_says_where(sqlite_url: sa.URL) -> None:
    mapping = erp.MAPPING.replace("type: Decimal}", "type: Money}", 1)
    answer = SqlConnector().test_config({**config_for(sqlite_url), "mapping": mapping})
    assert answer.category is Category.CONFIG
    assert "actors.Customer.fields[10].type: 'Money' is not one of Text" in answer.user_explanation


def test_a_missing_sqlite_file_is_a_config_error(tmp_path: Path) -> None:
    values = {"dialect": "sqlite", "database": str(tmp_path / "none.db"), "mapping": erp.MAPPING}
    answer = SqlConnector().test_config(values)
    assert answer.category is Category.CONFIG
    assert "There is no SQLite database file at" in answer.user_explanation


def _no_secret(answer_texts: list[str], caplog: pytest.LogCaptureFixture) -> None:
    for text in [*answer_texts, caplog.text]:
        assert SECRET not in text


@pytest.mark.mariadb
def test_a_wrong_password_names_user_and_host_never_the_password(
    mariadb_erp_url: sa.URL, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    values = {**config_for(mariadb_erp_url), "password": SECRET}
    answer = ConnectorHost(SqlConnector(), timeout=30).test_config(values)
    assert not answer.ok and answer.category is Category.CONFIG
    assert "refused the login of root@127.0.0.1" in answer.user_explanation
    _no_secret([answer.user_explanation, answer.technical_explanation], caplog)


@pytest.mark.postgres
def test_an_unknown_postgres_user_is_a_config_error_naming_it(
    pg_erp_url: sa.URL, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    values = {**config_for(pg_erp_url), "user": "no_such_erp_user", "password": SECRET}
    answer = ConnectorHost(SqlConnector(), timeout=30).test_config(values)
    assert answer.category is Category.CONFIG
    assert "no_such_erp_user@127.0.0.1" in answer.user_explanation
    _no_secret([answer.user_explanation, answer.technical_explanation], caplog)


@pytest.mark.postgres
def test_an_unknown_database_is_a_config_error(pg_erp_url: sa.URL) -> None:
    values = {**config_for(pg_erp_url), "database": "no_such_erp_db"}
    answer = SqlConnector().test_config(values)
    assert answer.category is Category.CONFIG
    assert "no_such_erp_db on 127.0.0.1:5432 does not exist" in answer.user_explanation


@pytest.mark.parametrize("dialect", ["postgresql", "mariadb"])
def test_an_unreachable_server_is_transient(dialect: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    values = {
        "dialect": dialect,
        "host": "127.0.0.1",
        "port": 1,  # nothing listens there
        "database": "erp",
        "user": "erp",
        "password": SECRET,
        "mapping": erp.MAPPING,
    }
    answer = SqlConnector().test_config(values)
    assert answer.category is Category.TRANSIENT, answer
    assert "127.0.0.1:1 cannot be reached now" in answer.user_explanation
    _no_secret([answer.user_explanation, answer.technical_explanation], caplog)


SERVERS = [
    pytest.param("pg_erp_url", marks=pytest.mark.postgres, id="postgresql"),
    pytest.param("mariadb_erp_url", marks=pytest.mark.mariadb, id="mariadb"),
]


@pytest.mark.parametrize("server", SERVERS)
def test_missing_tables_and_columns_on_a_server_name_what_exists(
    server: str, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url: sa.URL = request.getfixturevalue(server)
    values = config_for(url)
    if url.get_backend_name() == "postgresql":
        values["password"] = SECRET  # local trust login: any password gets in
    mapping = erp.MAPPING.replace("table: project", "table: projekt").replace("org_no", "org_nr")
    answer = ConnectorHost(SqlConnector(), timeout=30).test_config({**values, "mapping": mapping})
    assert answer.category is Category.CONFIG
    assert f"does not fit {url.database} on 127.0.0.1:" in answer.user_explanation
    assert "table 'projekt' does not exist (tables: company, contact, country" in str(answer)
    assert "column 'org_nr' does not exist in table 'company' (columns: id, code" in str(answer)
    _no_secret([answer.user_explanation, answer.technical_explanation], caplog)


def test_a_server_that_does_not_answer_in_time_is_transient(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    silent = socket.socket()  # accepts connections, never speaks
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    try:
        port = silent.getsockname()[1]
        values = {"dialect": "postgresql", "host": "127.0.0.1", "port": port, "database": "erp",
                  "user": "erp", "password": SECRET, "mapping": erp.MAPPING}  # fmt: skip
        answer = ConnectorHost(SqlConnector(), timeout=1).test_config(values)
    finally:
        silent.close()
    assert answer.category is Category.TRANSIENT, answer
    _no_secret([answer.user_explanation, answer.technical_explanation], caplog)


@pytest.mark.parametrize("server", SERVERS)
def test_a_row_the_database_refuses_is_a_data_error_naming_it(
    server: str, request: pytest.FixtureRequest
) -> None:
    pg_erp_url: sa.URL = request.getfixturevalue(server)
    engine = sa.create_engine(pg_erp_url)
    erp.seed(engine)
    with engine.connect() as db:
        key = str(db.execute(sa.select(sa.func.min(erp.company.c.id))).scalar_one())
    engine.dispose()
    host = ConnectorHost(SqlConnector(), timeout=30)
    host.open("errors", config_for(pg_erp_url))
    try:
        bad, good = host.save(
            [
                Actor(ActorType.CUSTOMER, key, {"country": "XX"}),  # no such country row
                Actor(ActorType.CUSTOMER, key, {"city": "Lund"}),
            ]
        )
    finally:
        host.close()
    assert bad.response.category is Category.DATA
    assert bad.response.user_explanation.startswith(f"Customer {key}: The database refused")
    assert good.ok and good.changed


def test_a_bad_stored_value_is_rejected_and_the_stream_goes_on(sqlite_url: sa.URL) -> None:
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as db:  # SQLite stores what it is given, even text in INTEGER
        db.execute(sa.text("UPDATE company SET employees = 'many' WHERE name = 'Acme AB'"))
    engine.dispose()
    host = ConnectorHost(SqlConnector(), timeout=30)
    host.open("errors", config_for(sqlite_url))
    try:
        batches = list(host.changes(ActorType.CUSTOMER, None))
    finally:
        host.close()
    rejected = [error for batch in batches for error in batch.rejected]
    good = [actor.values["name"] for batch in batches for actor in batch.actors]
    assert good == ["Both Oy"]
    assert len(rejected) == 1 and "field 'employees'" in str(rejected[0])
    assert "record '" in str(rejected[0])
