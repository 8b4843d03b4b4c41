"""`RemoteConnector`: the `Connector` contract spoken to a remote service (R-SDK-7).

    connector = RemoteConnector("http://127.0.0.1:8700", secret, timeout=30)
    host = ConnectorHost(connector)          # the engine wraps it like any connector

The host and the conformance kit read a connector's *class* attributes (`key`,
`change_tracking`, `idempotent_create`, …), which for a remote connector only the
service knows. So constructing `RemoteConnector(...)` asks the service (`describe`)
and returns an instance of a subclass carrying the remote connector's attributes;
an unreachable service fails right there, with category `transient`. When the service's
connector has the pricing capability, the subclass has it too (`remote.pricing`).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from types import new_class
from typing import Any, ClassVar, TypeVar

from erpsync.sdk import codec
from erpsync.sdk.connector import ConfigValues, Connector
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.model import (
    Actor,
    ActorRef,
    ActorType,
    Category,
    ChangeBatch,
    ChangeTracking,
    Field,
    ListItem,
    Response,
    Restriction,
    SaveResult,
    Value,
)
from erpsync.sdk.remote import protocol as p
from erpsync.sdk.remote.pricing import RemotePricing
from erpsync.sdk.remote.transport import Transport

T = TypeVar("T")
JSON = Any

_CLASSES: dict[tuple[str, str], type[RemoteConnector]] = {}
#: The class each URL's service described last (what this process knows of it).
_LATEST: dict[str, type[RemoteConnector]] = {}


class RemoteConnector(Connector):
    """A connector served by `erpsync connector serve` (see `erpsync.sdk.remote`)."""

    key: ClassVar[str] = "remote"
    name: ClassVar[str] = "Remote connector"
    version: ClassVar[str] = str(p.PROTOCOL)
    description: ClassVar[str] = "A connector running as a separate HTTP service."
    #: Where the subclass made by `describe` came from.
    remote_url: ClassVar[str] = ""

    def __new__(
        cls,
        url: str,
        secret: str,
        timeout: float = 30.0,
        **options: Any,
    ) -> RemoteConnector:
        if cls is RemoteConnector:
            cls = _describe(url, secret, timeout, options)
        return super().__new__(cls)

    def __init__(
        self,
        url: str,
        secret: str,
        timeout: float = 30.0,
        *,
        retries: int = 2,
        backoff: float = 0.25,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self.batch_size = type(self).batch_size
        self._transport = Transport(
            url,
            secret,
            timeout,
            retries=retries,
            backoff=backoff,
            sleep=sleep,
            connector=type(self).key,
        )
        # With the connection id it keys this instance's session on the server, so two
        # jobs of one connection never share connector state either (R-SEM-7).
        self._client = secrets.token_hex(8)
        self._connection = ""

    # --- plumbing -------------------------------------------------------------------

    def _call(self, call: str, repeatable: bool = True, **args: JSON) -> JSON:
        body = {"connection": self._connection, "client": self._client, "args": args}
        return self._transport.call(call, body, repeatable=repeatable)

    def _decoded(self, call: str, read: Callable[[JSON], T], **args: JSON) -> T:
        answer = self._call(call, **args)
        try:
            return read(answer)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise self._transport.garbage(call, f"{exc}: {str(answer)[:120]}") from None

    # --- configuration --------------------------------------------------------------

    def config_fields(self) -> list[Field]:
        return self._decoded("config_fields", lambda d: codec.decode_list(Field, d))

    def test_config(self, values: ConfigValues) -> Response:
        read = _reader(Response)
        return self._decoded("test_config", read, values=p.encode_values(values))

    def open(self, connection_id: str, values: ConfigValues) -> None:
        self._connection = connection_id
        self._call("open", values=p.encode_values(values))

    def test_connection(self) -> Response:
        return self._decoded("test_connection", _reader(Response))

    def close(self) -> None:
        if not self._connection:
            return
        try:
            self._call("close")
        except ConnectorError as exc:
            # The service closes sessions left idle; an unreachable one needs nothing.
            if exc.category is not Category.TRANSIENT:
                raise
        finally:
            self._connection = ""
            self._transport.reset()

    def instance_id(self) -> str:
        return self._decoded("instance_id", lambda d: p.text(d, "instance_id"))

    # --- metadata -------------------------------------------------------------------

    def actor_types(self) -> list[ActorType]:
        return self._decoded(
            "actor_types", lambda d: [ActorType(t) for t in p.str_list(d, "actor types")]
        )

    def actor_fields(self, actor_type: ActorType) -> list[Field]:
        read = _list_reader(Field)
        return self._decoded("actor_fields", read, actor_type=str(actor_type))

    def searchable_fields(self, actor_type: ActorType) -> list[str]:
        read = _strings("searchable fields")
        return self._decoded("searchable_fields", read, actor_type=str(actor_type))

    def lists(self) -> list[str]:
        return self._decoded("lists", _strings("lists"))

    def list_items(self, list_name: str) -> list[ListItem]:
        return self._decoded("list_items", _list_reader(ListItem), list_name=list_name)

    # --- reading --------------------------------------------------------------------

    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        return self._decoded(
            "get_actors",
            _list_reader(Actor),
            actor_type=str(actor_type),
            keys=list(keys),
            field_keys=p.field_keys_arg(field_keys),
        )

    def search(
        self,
        actor_type: ActorType,
        text: str,
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        return self._decoded(
            "search",
            _list_reader(Actor),
            actor_type=str(actor_type),
            text=text,
            field_keys=p.field_keys_arg(field_keys),
            limit=limit,
        )

    def search_advanced(
        self,
        actor_type: ActorType,
        restrictions: Sequence[Restriction],
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        return self._decoded(
            "search_advanced",
            _list_reader(Actor),
            actor_type=str(actor_type),
            restrictions=codec.encode(list(restrictions)),
            field_keys=p.field_keys_arg(field_keys),
            limit=limit,
        )

    def children(
        self, parent_type: ActorType, parent_key: str, child_type: ActorType
    ) -> list[Actor]:
        return self._decoded(
            "children",
            _list_reader(Actor),
            parent_type=str(parent_type),
            parent_key=parent_key,
            child_type=str(child_type),
        )

    def changes(
        self,
        actor_type: ActorType,
        cursor: str | None,
        field_keys: Sequence[str] | None = None,
    ) -> Iterator[ChangeBatch]:
        """Yields each batch as its line arrives: memory stays flat however long the
        stream (the service produces the next batch only as the network drains)."""
        args = {
            "actor_type": str(actor_type),
            "cursor": cursor,
            "field_keys": p.field_keys_arg(field_keys),
            "batch_size": self.batch_size,
        }
        body = {"connection": self._connection, "client": self._client, "args": args}
        for data in self._transport.lines("changes", body):
            try:
                batch = codec.decode(ChangeBatch, data)
            except (ValueError, TypeError) as exc:
                raise self._transport.garbage("changes", str(exc)) from None
            yield batch

    # --- writing --------------------------------------------------------------------

    def create(
        self,
        actor_type: ActorType,
        values: Mapping[str, Value],
        parent: ActorRef | None = None,
        idempotency_key: str | None = None,
    ) -> Actor:
        # Repeating a create after a lost answer could make a second actor, unless the
        # ERP recognises the idempotency key.
        repeatable = idempotency_key is not None and type(self).idempotent_create
        answer = self._call(
            "create",
            repeatable,
            actor_type=str(actor_type),
            values=p.encode_values(values),
            parent=None if parent is None else codec.encode(parent),
            idempotency_key=idempotency_key,
        )
        try:
            return codec.decode(Actor, answer)
        except ValueError as exc:
            raise self._transport.garbage("create", str(exc)) from None

    def save(self, actors: Sequence[Actor]) -> list[SaveResult]:
        # Saving is idempotent by contract, so a retry after a lost answer is harmless.
        return self._decoded("save", _list_reader(SaveResult), actors=codec.encode(list(actors)))

    def __del__(self) -> None:
        with suppress(Exception):
            self._transport.reset()


def _reader(kind: type[T]) -> Callable[[JSON], T]:
    return lambda data: codec.decode(kind, data)


def _list_reader(kind: type[T]) -> Callable[[JSON], list[T]]:
    return lambda data: codec.decode_list(kind, data)


def _strings(what: str) -> Callable[[JSON], list[str]]:
    return lambda data: p.str_list(data, what)


def _describe(
    url: str, secret: str, timeout: float, options: dict[str, Any]
) -> type[RemoteConnector]:
    """The subclass standing in for the connector the service at `url` runs."""
    transport = Transport(url, secret, timeout, **options)
    try:
        info = transport.call("describe", {"args": {}})
        try:
            attributes: dict[str, Any] = {
                "key": p.text(info["key"], "key"),
                "name": p.text(info["name"], "name"),
                "version": p.text(info["version"], "version"),
                "description": p.text(info.get("description", ""), "description"),
                "change_tracking": ChangeTracking(info["change_tracking"]),
                "supported_actor_types": tuple(
                    ActorType(t) for t in p.str_list(info["supported_actor_types"], "types")
                ),
                "read_only": bool(info["read_only"]),
                "idempotent_create": bool(info["idempotent_create"]),
                "batch_size": p.integer(info["batch_size"], "batch_size"),
                "remote_url": url,
            }
            pricing = bool(info.get("pricing", False))
        except (KeyError, ValueError, TypeError) as exc:
            raise transport.garbage("describe", str(exc)) from None
    finally:
        transport.reset()
    cache_key = (url, repr([pricing, *sorted(attributes.items())]))
    if cache_key not in _CLASSES:
        title = "".join(part.title() for part in attributes["key"].replace("-", "_").split("_"))
        bases: tuple[type, ...] = (
            (RemoteConnector, RemotePricing) if pricing else (RemoteConnector,)
        )

        def body(namespace: dict[str, Any]) -> None:
            namespace.update(attributes, __module__=__name__)

        _CLASSES[cache_key] = new_class(f"Remote{title}Connector", bases, {}, body)
    _LATEST[url.rstrip("/")] = _CLASSES[cache_key]
    return _CLASSES[cache_key]


def described(url: str) -> type[RemoteConnector] | None:
    """The stand-in class of the service at `url` as last described, None when not yet."""
    return _LATEST.get(url.rstrip("/"))
