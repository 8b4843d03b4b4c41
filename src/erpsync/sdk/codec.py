"""JSON form of every type of the contract, for remote hosting (R-SDK-7) and files.

Values that JSON cannot hold exactly travel tagged: `{"$decimal": "12.50"}`,
`{"$date": "2024-05-01"}`, `{"$datetime": "2024-05-01T08:00:00+00:00"}`,
`{"$float": "nan"}`; everything decodes to an equal value of the same type.
`encode`/`decode` work on JSON-ready Python data; `dumps`/`loads` on text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.model import (
    Access,
    Actor,
    ActorRef,
    ActorType,
    Category,
    ChangeBatch,
    Field,
    FieldType,
    ListItem,
    Operator,
    Response,
    Restriction,
    SaveResult,
    State,
    Value,
)

T = TypeVar("T")
JSON = Any  # what json.loads returns


def encode_value(value: Value) -> JSON:
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is int:
        return value
    if kind is float:
        number = cast(float, value)
        return number if math.isfinite(number) else {"$float": repr(number)}
    if kind is Decimal:
        return {"$decimal": str(value)}
    if kind is datetime:
        return {"$datetime": cast(datetime, value).isoformat()}
    if kind is date:
        return {"$date": cast(date, value).isoformat()}
    raise TypeError(f"cannot encode value {value!r} of type {kind.__name__}")


_TAGS: dict[str, Callable[[str], Value]] = {
    "$decimal": Decimal,
    "$date": date.fromisoformat,
    "$datetime": datetime.fromisoformat,
    "$float": float,
}


def decode_value(data: JSON) -> Value:
    if isinstance(data, dict):
        if len(data) != 1:
            raise ValueError(f"bad tagged value {data!r}")
        ((tag, text),) = data.items()
        if tag not in _TAGS or not isinstance(text, str):
            raise ValueError(f"bad tagged value {data!r}")
        return _TAGS[tag](text)
    if data is None or isinstance(data, str | bool | int | float):
        return cast(Value, data)
    raise ValueError(f"bad value {data!r}")


def _encode_actor(actor: Actor) -> JSON:
    data: dict[str, JSON] = {
        "type": str(actor.type),
        "key": actor.key,
        "values": {key: encode_value(value) for key, value in actor.values.items()},
    }
    if actor.parent_type is not None or actor.parent_key is not None:
        data["parent_type"] = None if actor.parent_type is None else str(actor.parent_type)
        data["parent_key"] = actor.parent_key
    if actor.deleted:
        data["deleted"] = True
    return data


def _decode_actor(data: JSON) -> Actor:
    parent_type = data.get("parent_type")
    return Actor(
        ActorType(data["type"]),
        data["key"],
        {key: decode_value(value) for key, value in data.get("values", {}).items()},
        None if parent_type is None else ActorType(parent_type),
        data.get("parent_key"),
        bool(data.get("deleted", False)),
    )


def _encode_field(field: Field) -> JSON:
    return {
        "key": field.key,
        "display_name": field.display_name,
        "type": str(field.type),
        "description": field.description,
        "list_name": field.list_name,
        "default": encode_value(field.default),
        "max_length": field.max_length,
        "access": str(field.access),
        "rank": field.rank,
    }


def _decode_field(data: JSON) -> Field:
    return Field(
        key=data["key"],
        display_name=data["display_name"],
        type=FieldType(data["type"]),
        description=data.get("description", ""),
        list_name=data.get("list_name"),
        default=decode_value(data.get("default")),
        max_length=data.get("max_length"),
        access=Access(data.get("access", "Normal")),
        rank=data.get("rank", 0),
    )


def _encode_response(response: Response) -> JSON:
    return {
        "ok": response.ok,
        "state": str(response.state),
        "user_explanation": response.user_explanation,
        "technical_explanation": response.technical_explanation,
        "error_code": response.error_code,
        "category": None if response.category is None else str(response.category),
    }


def _decode_response(data: JSON) -> Response:
    category = data.get("category")
    return Response(
        ok=bool(data["ok"]),
        state=State(data.get("state", "ok")),
        user_explanation=data.get("user_explanation", ""),
        technical_explanation=data.get("technical_explanation", ""),
        error_code=data.get("error_code", ""),
        category=None if category is None else Category(category),
    )


def _encode_error(error: ConnectorError) -> JSON:
    return {
        "category": str(error.category),
        "user_explanation": error.user_explanation,
        "technical_explanation": error.technical_explanation,
        "code": error.code,
        "connector": error.connector,
        "call": error.call,
        "actor_key": error.actor_key,
        "field": error.field,
    }


def _decode_error(data: JSON) -> ConnectorError:
    return ConnectorError(
        data["category"],
        data["user_explanation"],
        data.get("technical_explanation", ""),
        data.get("code", ""),
        connector=data.get("connector", ""),
        call=data.get("call", ""),
        actor_key=data.get("actor_key"),
        field=data.get("field"),
    )


def _encode_batch(batch: ChangeBatch) -> JSON:
    data: dict[str, JSON] = {
        "actors": [_encode_actor(actor) for actor in batch.actors],
        "cursor": batch.cursor,
        "complete": batch.complete,
    }
    if batch.rejected:
        data["rejected"] = [_encode_error(_as_connector_error(e)) for e in batch.rejected]
    return data


def _as_connector_error(error: Exception) -> ConnectorError:
    if isinstance(error, ConnectorError):
        return error
    return ConnectorError(Category.DATA, str(error))


def _decode_batch(data: JSON) -> ChangeBatch:
    return ChangeBatch(
        [_decode_actor(actor) for actor in data["actors"]],
        data["cursor"],
        bool(data.get("complete", False)),
        tuple(_decode_error(error) for error in data.get("rejected", ())),
    )


def _encode_save_result(result: SaveResult) -> JSON:
    return {
        "key": result.key,
        "changed": result.changed,
        "response": _encode_response(result.response),
        "actor": None if result.actor is None else _encode_actor(result.actor),
    }


def _decode_save_result(data: JSON) -> SaveResult:
    actor = data.get("actor")
    return SaveResult(
        data["key"],
        bool(data.get("changed", False)),
        _decode_response(data["response"]),
        None if actor is None else _decode_actor(actor),
    )


_ENCODERS: dict[type, Callable[[Any], JSON]] = {
    Actor: _encode_actor,
    ActorRef: lambda ref: {"type": str(ref.type), "key": ref.key},
    Field: _encode_field,
    ListItem: lambda item: {
        "id": item.id,
        "code": item.code,
        "name": item.name,
        "deleted": item.deleted,
    },
    Response: _encode_response,
    ChangeBatch: _encode_batch,
    SaveResult: _encode_save_result,
    Restriction: lambda r: {
        "field": r.field,
        "operator": str(r.operator),
        "values": [encode_value(v) for v in r.values],
    },
    ConnectorError: _encode_error,
}

_DECODERS: dict[type, Callable[[JSON], Any]] = {
    Actor: _decode_actor,
    ActorRef: lambda data: ActorRef(ActorType(data["type"]), data["key"]),
    Field: _decode_field,
    ListItem: lambda data: ListItem(
        data["id"], data["code"], data["name"], bool(data.get("deleted", False))
    ),
    Response: _decode_response,
    ChangeBatch: _decode_batch,
    SaveResult: _decode_save_result,
    Restriction: lambda data: Restriction(
        data["field"], Operator(data["operator"]), tuple(decode_value(v) for v in data["values"])
    ),
    ConnectorError: _decode_error,
}


def encode(obj: object) -> JSON:
    """JSON-ready data for a contract object, a list of them, or a plain value."""
    if isinstance(obj, list | tuple):
        return [encode(item) for item in obj]
    encoder = _ENCODERS.get(type(obj))
    if encoder is not None:
        return encoder(obj)
    if isinstance(obj, ConnectorError):
        return _encode_error(obj)
    if isinstance(obj, str):  # enums (ActorType, ...) travel as their value
        return str(obj)
    return encode_value(cast(Value, obj))


def decode(kind: type[T], data: JSON) -> T:
    """Rebuild an object of `kind` from `encode`'s output; ValueError when malformed."""
    decoder = _DECODERS.get(kind)
    if decoder is None:
        raise TypeError(f"no decoder for {kind.__name__}")
    try:
        return cast(T, decoder(data))
    except (KeyError, TypeError, AttributeError, ArithmeticError) as exc:
        raise ValueError(f"malformed {kind.__name__}: {exc!r}") from exc


def decode_list(kind: type[T], data: JSON) -> list[T]:
    if not isinstance(data, list):
        raise ValueError(f"expected a list of {kind.__name__}, got {type(data).__name__}")
    return [decode(kind, item) for item in data]


def dumps(obj: object) -> str:
    return json.dumps(encode(obj), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def loads(kind: type[T], text: str | bytes) -> T:
    return decode(kind, json.loads(text))
