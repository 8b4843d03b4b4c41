"""The wire protocol of remote hosting (R-SDK-7), shared by server and client.

Every call of the `Connector` contract is one `POST /v1/<call>` with a JSON body

    {"connection": "<connection id>", "client": "<client instance id>", "args": {...}}

authenticated by `Authorization: Bearer <shared secret>`. Answers:

- 200 `{"result": ...}` — the call's answer in the JSON form of `erpsync.sdk.codec`;
- 422 `{"error": {...}}` — a `ConnectorError` (category, code, explanations);
- 401 wrong or missing secret; 400 a request the server cannot read; 404 no such call.

`changes` answers 200 with NDJSON: one `{"batch": ...}` line per batch as the connector
yields it, then `{"end": true}`; a failure mid-stream is an `{"error": ...}` line. The
end line lets the client tell a finished stream from one that broke off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from erpsync.sdk import codec
from erpsync.sdk.model import ActorType, Value

PROTOCOL = 1
PREFIX = "/v1/"
NDJSON = "application/x-ndjson"

#: Calls that need no open connection: the server answers them with a fresh instance.
UNBOUND_CALLS = frozenset({"describe", "config_fields", "test_config"})

#: Every call of the contract the server exposes (plus `describe`, the class attributes).
CALLS = (
    "describe",
    "config_fields",
    "test_config",
    "open",
    "test_connection",
    "close",
    "instance_id",
    "actor_types",
    "actor_fields",
    "searchable_fields",
    "lists",
    "list_items",
    "get_actors",
    "search",
    "search_advanced",
    "children",
    "changes",
    "create",
    "save",
    # The pricing capability (`erpsync.sdk.remote.pricing`), where the connector has it.
    "price_lists",
    "products",
    "product",
)

JSON = Any  # what json.loads returns


def encode_values(values: Mapping[str, Value]) -> dict[str, JSON]:
    return {key: codec.encode_value(value) for key, value in values.items()}


def decode_values(data: JSON) -> dict[str, Value]:
    if not isinstance(data, dict):
        raise ValueError(f"expected an object of values, got {type(data).__name__}")
    return {str(key): codec.decode_value(value) for key, value in data.items()}


def field_keys_arg(field_keys: Sequence[str] | None) -> list[str] | None:
    return None if field_keys is None else list(field_keys)


def str_list(data: JSON, what: str) -> list[str]:
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        raise ValueError(f"{what} must be a list of str")
    return list(data)


def optional_str_list(data: JSON, what: str) -> list[str] | None:
    return None if data is None else str_list(data, what)


def text(data: JSON, what: str) -> str:
    if not isinstance(data, str):
        raise ValueError(f"{what} must be a str, got {type(data).__name__}")
    return data


def optional_text(data: JSON, what: str) -> str | None:
    return None if data is None else text(data, what)


def integer(data: JSON, what: str) -> int:
    if type(data) is not int:
        raise ValueError(f"{what} must be an int, got {type(data).__name__}")
    return data


def actor_type(data: JSON, what: str = "actor_type") -> ActorType:
    return ActorType(text(data, what))
