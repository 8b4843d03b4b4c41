"""The ERP side of a mapping: a connection's actor types, fields, lists and list items,
read through the connector host (never directly) and named in clear errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from erpsync.connections import hosts
from erpsync.connections.models import Connection
from erpsync.connections.service import Keys
from erpsync.errors import ConfigError, ValidationError
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import ActorType, Field, ListItem


@dataclass
class ErpMeta:
    """What the connector says about its actors and lists."""

    actor_types: list[ActorType]
    fields: dict[ActorType, list[Field]]
    lists: list[str]
    items: dict[str, list[ListItem]] = field(default_factory=dict)

    def type_of(self, actor_type: str) -> ActorType:
        for known in self.actor_types:
            if known.value == actor_type:
                return known
        names = ", ".join(t.value for t in self.actor_types)
        raise ValidationError(
            f"actor_type: this ERP has no actor type '{actor_type}'; it has: {names}.",
            field="actor_type",
            value=actor_type,
        )

    def fields_of(self, actor_type: str) -> list[Field]:
        return self.fields[self.type_of(actor_type)]

    def field(self, actor_type: str, key: str) -> Field:
        for candidate in self.fields_of(actor_type):
            if candidate.key == key:
                return candidate
        raise ValidationError(
            f"erp_field: the ERP's {actor_type} has no field '{key}'.",
            field="erp_field",
            value=key,
        )

    def check_list(self, name: str) -> str:
        if name not in self.lists:
            raise ValidationError(
                f"erp_list: the ERP has no list '{name}'; it has: {', '.join(self.lists)}.",
                field="erp_list",
                value=name,
            )
        return name


@contextmanager
def opened(keys: Keys, connection: Connection) -> Iterator[ConnectorHost]:
    """A host opened on the connection; a connector failure becomes a ConfigError."""
    try:
        with hosts.endpoint(keys, connection).opened() as host:
            yield host
    except ConnectorError as exc:
        raise ConfigError(
            f"The ERP of '{connection.name}' cannot describe its fields now: "
            f"{exc.user_explanation}",
            field="connection",
        ) from exc


def read(keys: Keys, connection: Connection, list_names: list[str] | None = None) -> ErpMeta:
    """Actor types and fields, list names, and the items of `list_names` (all when None)."""
    with opened(keys, connection) as host:
        types = host.actor_types()
        meta = ErpMeta(types, {t: host.actor_fields(t) for t in types}, host.lists())
        wanted = meta.lists if list_names is None else [n for n in list_names if n in meta.lists]
        meta.items = {name: host.list_items(name) for name in wanted}
    return meta
