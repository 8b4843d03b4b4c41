"""`erpsync connector sql-mapping` (R-CON-1): the mapping text proposed from a database's
tables, on SQLite, PostgreSQL and MariaDB, fits that database as the connection's
mapping; a connection's whole configuration file may be given; a database that cannot
be reached or a wrong value is one line naming it, never the password."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from typer.testing import CliRunner

from erpsync.cli.main import app
from erpsync.connectors.sql import SqlConnector, parse_mapping
from erpsync.sdk import ActorType
from tests.connectors.sql import erp_schema as erp
from tests.connectors.sql.hooks import config_for

SECRET = "proposal-password-x"


def _pairs(values: dict[str, object]) -> list[str]:
    pairs = []
    for key, value in values.items():
        if key != "mapping":
            pairs += ["-c", f"{key}={value}"]
    return pairs


def test_the_proposed_text_fits_the_database_as_its_mapping(url: sa.URL, tmp_path: Path) -> None:
    values = config_for(url)
    result = CliRunner().invoke(app, ["connector", "sql-mapping", *_pairs(values)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# Proposed from the database schema")
    spec = parse_mapping(text)
    assert spec.actors[ActorType.CUSTOMER].table == "company"
    assert spec.actors[ActorType.PERSON].table == "contact"
    answer = SqlConnector().test_config({**values, "mapping": text})
    assert answer.ok, answer.user_explanation


def test_a_connections_configuration_file_is_taken_and_the_text_written_to_a_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "erp.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    erp.create_schema(engine)
    engine.dispose()
    config = tmp_path / "erp.yaml"
    config.write_text(yaml.safe_dump({"dialect": "sqlite", "database": str(path), "mapping": "x"}))
    out = tmp_path / "mapping.yaml"
    result = CliRunner().invoke(
        app, ["connector", "sql-mapping", "--config-file", str(config), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    assert parse_mapping(out.read_text()).actors[ActorType.CUSTOMER].key == "id"


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (
            ["dialect=postgresql", "host=127.0.0.1", "port=1", "database=erp", "user=erp"],
            "The database erp on 127.0.0.1:1 cannot be reached now",
        ),
        (["dialect=sqlite", "database=/nowhere/erp.sqlite"], "no SQLite database file at"),
        (["dialect=oracle", "database=erp"], "Unknown database kind 'oracle'"),
        (
            ["dialect=mariadb", "database=erp", "port=many", "colour=red"],
            "config.colour: is not a field of this connector; config.port: Port 'many'",
        ),
    ],
)
def test_what_is_wrong_is_one_line_without_the_password(pairs: list[str], message: str) -> None:
    arguments = [arg for pair in [*pairs, f"password={SECRET}"] for arg in ("-c", pair)]
    result = CliRunner().invoke(app, ["connector", "sql-mapping", *arguments])
    assert result.exit_code == 1
    assert message in result.output
    assert SECRET not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip().startswith("Error:")
    assert len(result.output.strip().splitlines()) == 1
