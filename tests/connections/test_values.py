"""Configuration values typed by the connector's fields (R-CONN-2, R-NF-2)."""

from __future__ import annotations

import pytest

from erpsync.connections.values import ConfigErrors, normalise
from erpsync.sdk.model import Access, Field, FieldType

FIELDS = [
    Field("host", "Host", FieldType.TEXT, access=Access.MANDATORY, max_length=20),
    Field("port", "Port", FieldType.INTEGER, default=5432),
    Field("password", "Password", FieldType.PASSWORD),
    Field("ssl", "Use TLS", FieldType.CHECKBOX),
    Field("rate", "Rate", FieldType.DECIMAL),
    Field("since", "Since", FieldType.DATE),
    Field("note", "Note", FieldType.LABEL),
]


def test_values_are_typed_and_defaults_filled() -> None:
    values = normalise(
        FIELDS, {"host": "db", "ssl": "yes", "rate": "12,50", "since": "2026-01-31"}, {}
    )
    assert values == {
        "host": "db",
        "port": 5432,
        "password": None,
        "ssl": True,
        "rate": "12.50",
        "since": "2026-01-31",
    }


def test_every_problem_is_reported_at_once_naming_its_field() -> None:
    with pytest.raises(ConfigErrors) as caught:
        normalise(
            FIELDS,
            {"host": "", "port": "eighty", "ssl": "maybe", "rate": "NaN", "colour": "red"},
            {},
        )
    problems = caught.value.problems
    assert set(problems) == {
        "config.host",
        "config.port",
        "config.ssl",
        "config.rate",
        "config.colour",
    }
    assert problems["config.host"] == "Host is required"
    assert "'eighty' is not a whole number" in problems["config.port"]
    assert problems["config.colour"] == "is not a field of this connector"


def test_too_long_text_is_refused() -> None:
    with pytest.raises(ConfigErrors, match="longer than 20"):
        normalise(FIELDS, {"host": "h" * 21}, {})


def test_a_blank_secret_keeps_the_stored_one() -> None:
    values = normalise(FIELDS, {"host": "db", "password": ""}, {"password": "stored"})
    assert values["password"] == "stored"
    replaced = normalise(FIELDS, {"host": "db", "password": "new"}, {"password": "stored"})
    assert replaced["password"] == "new"
