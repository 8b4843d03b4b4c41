"""The abstract base class every connector implements (R-SDK-1…5).

A connector speaks to one kind of ERP. The engine never calls it directly: it goes
through `erpsync.sdk.host.ConnectorHost`, which adds timeouts, re-opening on a lost
connection, and checks of every answer. So a connector may stay simple: answer in
the types of `erpsync.sdk.model`, raise `ConnectorError` with the right category.

One instance serves one connection in one job (R-SEM-7); it is created without
arguments, configured by `open`, and released by `close`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar, final

from erpsync.sdk.model import (
    Actor,
    ActorRef,
    ActorType,
    ChangeBatch,
    ChangeTracking,
    Field,
    ListItem,
    Response,
    Restriction,
    SaveResult,
    Value,
)

#: Configuration values of a connection, keyed by config field key.
ConfigValues = Mapping[str, Value]


class Connector(ABC):
    """One kind of ERP. Subclasses set the class attributes and implement every method.

    Reading rules shared by all calls:
    - `field_keys` None means every field of the actor type; otherwise `Actor.values`
      holds exactly the asked keys (a missing value is None).
    - Values are typed by the field (see `erpsync.sdk.values`): Decimal for Decimal
      fields (never float), tz-aware datetimes, list item *ids* for List fields.
    - A deleted actor that the ERP still knows comes back with `deleted=True`.
    """

    key: ClassVar[str]
    name: ClassVar[str]
    version: ClassVar[str]
    description: ClassVar[str] = ""
    change_tracking: ClassVar[ChangeTracking] = ChangeTracking.CURSOR
    #: The actor types this connector can offer, shown by `erpsync connector list`
    #: before any connection exists; `actor_types()` tells what one connection offers.
    supported_actor_types: ClassVar[tuple[ActorType, ...]] = ()
    #: True when `create` and `save` always refuse (e.g. files exported by an ERP).
    read_only: ClassVar[bool] = False
    #: True when `create` stores the idempotency key in the ERP and a second create with
    #: the same key returns the actor made the first time (R-SEM-5).
    idempotent_create: ClassVar[bool] = False

    #: The most actors per `ChangeBatch`. The host may lower it; connectors honour it.
    batch_size: int = 500

    # --- engine-side: final ------------------------------------------------------------

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Refuse, when the class is made, a connector that overrides a final method."""
        super().__init_subclass__(**kwargs)
        overridden = sorted(name for name in FINAL_METHODS if name in vars(cls))
        if overridden:
            raise TypeError(
                f"{cls.__qualname__} overrides {', '.join(overridden)}: the engine relies "
                "on these methods of erpsync.sdk.Connector as they are (they are final)"
            )

    @final
    @classmethod
    def facts(cls) -> dict[str, Any]:
        """What the registry and `erpsync connector list` read of this class, from its
        class attributes: key, name, version, description, actor types, change tracking,
        read-only. Final: the engine relies on it reading exactly those attributes."""
        return {
            "key": cls.key,
            "name": cls.name,
            "version": cls.version,
            "description": cls.description,
            "actor_types": tuple(cls.supported_actor_types),
            "change_tracking": cls.change_tracking,
            "read_only": cls.read_only,
        }

    # --- configuration (R-SDK-2) -------------------------------------------------

    @abstractmethod
    def config_fields(self) -> list[Field]:
        """The fields an administrator fills in to configure a connection."""

    @abstractmethod
    def test_config(self, values: ConfigValues) -> Response:
        """Check `values` without keeping anything; bad values → a `config` failure."""

    @abstractmethod
    def open(self, connection_id: str, values: ConfigValues) -> None:
        """Bind this instance to a connection. Raise `ConnectorError` when impossible."""

    @abstractmethod
    def test_connection(self) -> Response:
        """Check that the open connection still reaches its ERP."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection. Must not fail when called twice or before `open`."""

    @abstractmethod
    def instance_id(self) -> str:
        """Identifies the ERP database behind the connection (R-SEM-4); stable across
        re-opens, different for another database."""

    # --- metadata (R-SDK-3) --------------------------------------------------------

    @abstractmethod
    def actor_types(self) -> list[ActorType]:
        """The actor types this connection offers."""

    @abstractmethod
    def actor_fields(self, actor_type: ActorType) -> list[Field]:
        """The fields of one actor type."""

    @abstractmethod
    def searchable_fields(self, actor_type: ActorType) -> list[str]:
        """Keys of the fields usable in `search` (Text ones) and `search_advanced`."""

    @abstractmethod
    def lists(self) -> list[str]:
        """Names of the ERP lists that List fields refer to."""

    @abstractmethod
    def list_items(self, list_name: str) -> list[ListItem]:
        """The items of one list, deleted ones included (flagged)."""

    # --- reading (R-SDK-4) ---------------------------------------------------------

    @abstractmethod
    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        """The actors with these keys; a key the ERP does not know is left out."""

    @abstractmethod
    def search(
        self,
        actor_type: ActorType,
        text: str,
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        """Live actors whose searchable Text fields begin with or contain `text`
        (case-insensitive); begins-with matches first (see `operators.search_rank`)."""

    @abstractmethod
    def search_advanced(
        self,
        actor_type: ActorType,
        restrictions: Sequence[Restriction],
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        """Live actors matching every restriction (see `operators.matches`)."""

    @abstractmethod
    def children(
        self, parent_type: ActorType, parent_key: str, child_type: ActorType
    ) -> list[Actor]:
        """Live actors of `child_type` whose parent is the given actor."""

    @abstractmethod
    def changes(
        self,
        actor_type: ActorType,
        cursor: str | None,
        field_keys: Sequence[str] | None = None,
    ) -> Iterator[ChangeBatch]:
        """The change stream of one actor type after `cursor` (None: from the start).

        Yield batches of at most `batch_size` actors, each with the cursor to resume
        after it, deleted actors included with `deleted=True`. Memory must stay flat:
        read the ERP batch by batch. The last batch of a read that reached the end has
        `complete=True` (when nothing changed, yield one empty batch carrying the
        cursor it was given).
        `cursor` tracking: never skip a row that commits late — re-read an overlap
        window before the cursor if the ERP's stamps are not in commit order (the host
        drops the repeats). `snapshot` tracking: every read returns every live actor.
        """

    # --- writing (R-SDK-5) ---------------------------------------------------------

    @abstractmethod
    def create(
        self,
        actor_type: ActorType,
        values: Mapping[str, Value],
        parent: ActorRef | None = None,
        idempotency_key: str | None = None,
    ) -> Actor:
        """Create an actor and return it as stored, with the key the ERP gave it."""

    @abstractmethod
    def save(self, actors: Sequence[Actor]) -> list[SaveResult]:
        """Write the given values of existing actors; one result per actor, in order.

        Saving values the ERP already holds changes nothing and reports
        `changed=False`. A bad record gives a `data` failure in its own result.
        """

    # --- optional --------------------------------------------------------------------

    def typed_fields(self, actor_type: ActorType) -> frozenset[str]:
        """Fields of `actor_type` whose read values the ERP's own storage types exactly:
        always the field's Python type or None and, for text, within its max length
        (e.g. a `varchar(80)` column read by a driver that answers `str`).

        Only connectors shipped with erpsync (`erpsync.connectors.*`) are taken at their
        word: the host then skips the type check of those values (a Decimal's finiteness
        is still checked). Every value of any other connector is checked.
        """
        return frozenset()

    def cursor_order(self, cursor: str) -> int | float | str | None:
        """A sort key for cursors of this connector, or None when they cannot be ordered.

        When given, the host checks that a stream's cursors never go backwards.
        """
        return None


#: Methods of `Connector` that subclasses must not override (checked at class creation,
#: and by mypy through `@final`).
FINAL_METHODS = ("facts", "__init_subclass__")
