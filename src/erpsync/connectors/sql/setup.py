"""An SQL connection's configuration checked and opened: the URL parts, the mapping
text (actors, lists, pricing) checked against the reflected schema, and the queries
built once per actor type; `test_config` does the same and lets go again.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from erpsync.connectors.sql.database import make_engine, target_of, translated
from erpsync.connectors.sql.mapping import MappingError, parse_mapping
from erpsync.connectors.sql.pricing import Pricing, parse_pricing, reflect_pricing
from erpsync.connectors.sql.query import ActorQuery
from erpsync.connectors.sql.schema import Schema, propose_mapping, reflect
from erpsync.connectors.sql.spec import MappingSpec
from erpsync.sdk import (
    Access,
    ConfigValues,
    ConnectorError,
    Field,
    FieldType,
    Response,
    config_error,
)

log = logging.getLogger(__name__)
DEFAULT_OVERLAP = 60
DEFAULT_BATCH = 1000

CONFIG_FIELDS = [
    Field(
        "dialect",
        "Database kind",
        access=Access.MANDATORY,
        default="postgresql",
        description="postgresql, mysql, mariadb or sqlite.",
    ),
    Field("host", "Host", description="Name or address of the database server."),
    Field("port", "Port", FieldType.INTEGER, description="Empty: the kind's usual port."),
    Field(
        "database",
        "Database",
        access=Access.MANDATORY,
        description="Database name, or the file path for SQLite.",
    ),
    Field("user", "User"),
    Field("password", "Password", FieldType.PASSWORD),
    Field(
        "mapping",
        "Mapping (YAML)",
        access=Access.MANDATORY,
        description="Per actor type: table, key, filter, modified, parent, deleted, create, "
        "fields; and the lists. See the connector guide.",
    ),
    Field(
        "overlap_seconds",
        "Overlap window (s)",
        FieldType.INTEGER,
        default=DEFAULT_OVERLAP,
        description="Changes this much older than the last one seen are read again, so "
        "rows committed late or with equal stamps are never lost.",
    ),
    Field("batch_size", "Batch size", FieldType.INTEGER, default=DEFAULT_BATCH),
]


def _whole(values: ConfigValues, key: str, default: int, low: int, high: int) -> int:
    value = values.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise config_error(f"{key} must be a whole number from {low} to {high}.", code=key)
    return value


class Opened:
    """What `open` sets up: checked configuration, engine, reflected schema, queries."""

    def __init__(self, values: ConfigValues) -> None:
        self.overlap = _whole(values, "overlap_seconds", DEFAULT_OVERLAP, 0, 86_400)
        self.batch_size = _whole(values, "batch_size", DEFAULT_BATCH, 1, 100_000)
        self.target, url, self.password = target_of(values)
        try:
            self.mapping: MappingSpec = parse_mapping(str(values.get("mapping") or ""))
            pricing_spec = parse_pricing(str(values.get("mapping") or ""))
        except MappingError as exc:
            raise config_error(f"The mapping is not valid: {exc}", code="mapping") from None
        self.engine: Engine = make_engine(self.target, url)
        try:
            with translated(self.target, self.password), self.engine.connect() as connection:
                self.schema, problems = reflect(connection, self.mapping)
                self.pricing: Pricing | None = None
                if pricing_spec is not None:
                    self.pricing, found = reflect_pricing(connection, pricing_spec)
                    problems += found
            problems += _stamp_problems(self.mapping, self.schema)
            if problems:
                raise config_error(
                    f"The mapping does not fit {self.target.where()}: " + "; ".join(problems) + ".",
                    code="mapping",
                )
            dialect = self.engine.dialect.name
            self.queries = {
                actor_type: ActorQuery(spec, self.schema, dialect)
                for actor_type, spec in self.mapping.actors.items()
            }
        except ConnectorError:
            self.engine.dispose()
            raise

    def translated(self) -> Any:
        return translated(self.target, self.password)


def test_config(values: ConfigValues) -> Response:
    """Open with these values, say what was reached and what the mapping declares, and
    let go again; a failure is a failed `Response` with its category."""
    try:
        opened = Opened(values)
    except ConnectorError as exc:
        log.info("SQL connector test failed: %s", exc)
        return exc.to_response()
    try:
        mapping = opened.mapping
        return Response.success(
            f"Connected to {opened.target.where()} as {opened.target.user or 'the file owner'}"
            f"; the mapping fits ({', '.join(mapping.actors)}; "
            f"{len(mapping.lists)} lists).",
        )
    finally:
        opened.engine.dispose()


def propose_for(values: ConfigValues) -> str:
    """A mapping text proposed from the schema of the database these values reach (the
    `mapping` value itself is not needed); failures are `ConnectorError`s without the
    password, like those of `test_config`."""
    target, url, password = target_of(values)
    engine = make_engine(target, url)
    try:
        with translated(target, password):
            return propose_mapping(engine)
    finally:
        engine.dispose()


def _stamp_problems(mapping: MappingSpec, schema: Schema) -> list[str]:
    problems = []
    for actor in mapping.actors.values():
        if actor.modified or actor.table not in schema.tables:
            continue
        times = [
            c.name
            for c in schema.tables[actor.table].c
            if isinstance(c.type, sa.DateTime | sa.Date)
        ]
        problems.append(
            f"actors.{actor.actor_type}.modified: name the last-modified column "
            f"(date/time columns of {actor.table}: {', '.join(times) or 'none'})"
        )
    return problems
