"""Configuration values typed by the connector's Field metadata (R-CONN-2, R-CONN-4).

Values arrive from forms, JSON or the CLI as strings, numbers or booleans; they are
checked against each field's type, length and access and normalised to JSON-safe
values (Decimal, date and datetime as ISO text). Every problem is collected, so the
user sees all of them at once, each naming its field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from erpsync.errors import ValidationError
from erpsync.sdk.model import Field, FieldType

JsonValue = str | int | float | bool | None
TRUE_WORDS = {"1", "true", "yes", "on", "ja"}
FALSE_WORDS = {"0", "false", "no", "off", "nej", ""}


class ConfigErrors(ValidationError):
    """Several configuration values are wrong; `problems` maps `config.<key>` → message."""

    def __init__(self, problems: dict[str, str]) -> None:
        first = next(iter(problems))
        message = "; ".join(f"{key}: {text}" for key, text in problems.items())
        # `problems` travels in the API's problem details, so a form can mark every field.
        super().__init__(message, field=first, problems=problems)
        self.problems = problems


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError("must be true or false")


def _integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("must be a whole number")
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if not text.lstrip("-").isdigit():
        raise ValueError(f"'{raw}' is not a whole number")
    return int(text)


def _decimal(raw: Any) -> str:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"'{raw}' is not a number") from None
    if not value.is_finite():
        raise ValueError(f"'{raw}' is not a number")
    return str(value)


def _double(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError("must be a number")
    try:
        return float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"'{raw}' is not a number") from None


def _convert(spec: Field, raw: Any) -> JsonValue:
    kind = spec.type
    if kind in (FieldType.TEXT, FieldType.PASSWORD, FieldType.LIST):
        text = str(raw)
        if spec.max_length is not None and len(text) > spec.max_length:
            raise ValueError(f"is longer than {spec.max_length} characters")
        return text
    if kind is FieldType.CHECKBOX:
        return _boolean(raw)
    if kind is FieldType.INTEGER:
        return _integer(raw)
    if kind is FieldType.DECIMAL:
        return _decimal(raw)
    if kind is FieldType.DOUBLE:
        return _double(raw)
    if kind is FieldType.DATE:
        return date.fromisoformat(str(raw).strip()).isoformat()
    if kind is FieldType.DATETIME:
        return datetime.fromisoformat(str(raw).strip()).isoformat()
    return None  # Label: shows text only, holds no value


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def normalise(
    fields: Sequence[Field], raw_values: Mapping[str, Any], keep_secrets: Mapping[str, str]
) -> dict[str, JsonValue]:
    """Typed values for every field; blank secrets take the stored value in `keep_secrets`.

    Raises ConfigErrors naming every unknown key, missing mandatory value and bad value.
    """
    known = {spec.key: spec for spec in fields}
    problems = {
        f"config.{key}": "is not a field of this connector"
        for key in raw_values
        if key not in known
    }
    result: dict[str, JsonValue] = {}
    for spec in fields:
        if spec.type is FieldType.LABEL:
            continue
        raw = raw_values.get(spec.key)
        if spec.type is FieldType.PASSWORD and _blank(raw) and spec.key in keep_secrets:
            raw = keep_secrets[spec.key]
        if _blank(raw) and spec.type is not FieldType.CHECKBOX:
            if spec.mandatory and spec.default is None:
                problems[f"config.{spec.key}"] = f"{spec.display_name} is required"
                continue
            raw = spec.default
        if raw is None:
            result[spec.key] = None
            continue
        try:
            result[spec.key] = _convert(spec, raw)
        except ValueError as exc:
            problems[f"config.{spec.key}"] = f"{spec.display_name} {exc}".replace("  ", " ")
    if problems:
        raise ConfigErrors(problems)
    return result


def secret_keys(fields: Sequence[Field]) -> set[str]:
    return {spec.key for spec in fields if spec.type is FieldType.PASSWORD}
