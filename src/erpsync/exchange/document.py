"""The YAML document of a connection's whole configuration (R-MAP-7): its models, and
parsing with errors that name the YAML path (`mapping.Customer.fields[2].direction`).

Secrets never appear in it: `connection.secrets` only names the secret configuration
fields that held a value where the document was exported, so an import knows to ask.
A remote connection (R-CONN-7) has `connector: remote`, the `remote_url` of its
service, and `remote_secret` (the service's shared secret) among its secrets.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from erpsync.connections.schemas import ConfigValue, GrantIn, Scope
from erpsync.errors import ValidationError
from erpsync.mapping.schemas import (
    ConflictPolicy,
    CreatePolicyIn,
    DefaultMode,
    Direction,
    ItemPair,
)

Format = Literal["erpsync-connection/1"]
FORMAT: Format = "erpsync-connection/1"
MAX_BYTES = 2_000_000


_HTTP_URL = TypeAdapter(HttpUrl)


def _url(text: str) -> str:
    """An http(s) URL, kept as written but for a trailing slash (as connections keep it)."""
    _HTTP_URL.validate_python(text)
    return text.rstrip("/")


RemoteUrl = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_url)]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GrantDoc(GrantIn):
    """A user (by login) or a group (by name) in the scope, resolved in the target."""

    model_config = ConfigDict(extra="forbid")


DeletePolicy = Literal["flag", "unlink", "deactivate"]


class SyncDoc(_Doc):
    enabled: bool = False
    interval: int = Field(default=300, ge=10, le=7 * 86_400, description="Seconds.")
    timeout: float = Field(default=30.0, gt=0, le=3600, description="Seconds per ERP call.")
    delete_policy: DeletePolicy = Field(
        default="flag", description="What an ERP deletion does in the CRM (R-SYNC-7)."
    )


class ConnectionDoc(_Doc):
    name: str = Field(min_length=1, max_length=120)
    connector: str = Field(min_length=1, max_length=80)
    remote_url: RemoteUrl | None = Field(
        default=None, description="A remote connection's service (connector: remote)."
    )
    description: str = Field(default="", max_length=4000)
    scope: Scope = "everyone"
    grants: list[GrantDoc] = Field(default_factory=list, max_length=1000)
    config: dict[str, ConfigValue] = Field(default_factory=dict)
    secrets: list[str] = Field(default_factory=list, max_length=100)
    priority: int = Field(default=1, ge=1, le=1000)
    active: bool = False
    sync: SyncDoc = Field(default_factory=SyncDoc)


class DefaultDoc(_Doc):
    mode: DefaultMode
    value: Any = None


class FieldDoc(_Doc):
    """One ERP field's mapping; `rank` orders the ERP tab and search window."""

    erp_field: str = Field(min_length=1, max_length=120)
    crm_field: str | None = Field(default=None, max_length=60)
    direction: Direction = "none"
    show_in_search: bool = False
    show_on_tab: bool = False
    rank: int | None = Field(default=None, ge=1, le=1_000_000)
    conflict_policy: ConflictPolicy = "erp_wins"
    conversion: str | None = Field(default=None, max_length=40)
    default: DefaultDoc | None = None


class ActorTypeDoc(_Doc):
    """One actor type: its fixed CRM entity (shown, checked), create policy and fields."""

    entity: str | None = None
    create_policy: CreatePolicyIn | None = None
    fields: list[FieldDoc] = Field(default_factory=list, max_length=500)


class ListDoc(_Doc):
    crm_list: str = Field(min_length=1, max_length=40)
    items: list[ItemPair] = Field(default_factory=list, max_length=5000)


class ConnectionDocument(_Doc):
    """The whole configuration of one connection."""

    format: Format = FORMAT
    connection: ConnectionDoc
    mapping: dict[str, ActorTypeDoc] = Field(default_factory=dict)
    lists: dict[str, ListDoc] = Field(default_factory=dict)


def path_of(location: tuple[Any, ...] | list[Any]) -> str:
    """A pydantic location as a document path, e.g. `mapping.Customer.fields[2].direction`."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "document"


def parse(text: str) -> ConnectionDocument:
    """The document in `text`; bad YAML or a bad value is an error naming where."""
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise ValidationError(
            f"document: the file is larger than {MAX_BYTES} bytes", field="document"
        )
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValidationError(
            f"document: not valid YAML{where}: {problem}", field="document"
        ) from None
    if not isinstance(loaded, dict):
        raise ValidationError(
            "document: expected a mapping with 'format', 'connection', 'mapping' and 'lists'",
            field="document",
        )
    try:
        return ConnectionDocument.model_validate(loaded)
    except PydanticValidationError as exc:
        problems = {path_of(error["loc"]): error["msg"] for error in exc.errors()}
        first = next(iter(problems))
        message = "; ".join(f"{where}: {why}" for where, why in problems.items())
        raise ValidationError(message, field=first, problems=problems) from None


def dump(document: ConnectionDocument) -> str:
    """YAML text, keys in the order of the models, without empty optional values."""
    data = document.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
