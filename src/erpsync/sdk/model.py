"""The data of the connector contract: fields, actors, lists, restrictions, answers.

Plain dataclasses with slots, not Pydantic: the change stream moves hundreds of
thousands of actors per second through the host, so an `Actor` is a bare record and
the host checks whole batches at once (see `erpsync.sdk.host`). Values inside an
actor are plain Python values typed by the field (see `erpsync.sdk.values`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

#: A field value: str (Text, Password, Label, and List = the list item *id*), bool
#: (Checkbox), int (Integer), Decimal (Decimal; money, never float), float (Double),
#: date (Date), tz-aware datetime (Datetime), or None (empty).
Value = str | bool | int | Decimal | float | date | datetime | None


class FieldType(StrEnum):
    TEXT = "Text"
    PASSWORD = "Password"
    CHECKBOX = "Checkbox"
    INTEGER = "Integer"
    DECIMAL = "Decimal"
    DOUBLE = "Double"
    DATE = "Date"
    DATETIME = "Datetime"
    LIST = "List"
    LABEL = "Label"


class Access(StrEnum):
    NORMAL = "Normal"
    MANDATORY = "Mandatory"
    READ_ONLY = "ReadOnly"


class ActorType(StrEnum):
    CUSTOMER = "Customer"
    SUPPLIER = "Supplier"
    PARTNER = "Partner"
    PERSON = "Person"
    PROJECT = "Project"


class ChangeTracking(StrEnum):
    """How a connector reads changes (R-SDK-4).

    `cursor`: resumes after an opaque cursor and re-reads a small overlap window so a
    row committed late is not missed. `snapshot`: every read returns everything and
    the last batch says `complete`; an actor absent from a complete read is deleted.
    """

    CURSOR = "cursor"
    SNAPSHOT = "snapshot"


class Category(StrEnum):
    """What the caller does with a failure (R-SDK-6); same words as `erpsync.errors`."""

    CONFIG = "config"  # fix settings, do not retry
    TRANSIENT = "transient"  # retry with back-off
    DATA = "data"  # this record only: quarantine it
    SYSTEM = "system"  # a bug


class State(StrEnum):
    OK = "ok"
    OK_WITH_INFO = "ok_with_info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Field:
    """Metadata of a configuration field or an actor field."""

    key: str
    display_name: str
    type: FieldType = FieldType.TEXT
    description: str = ""
    list_name: str | None = None
    default: Value = None
    max_length: int | None = None
    access: Access = Access.NORMAL
    rank: int = 0

    @property
    def mandatory(self) -> bool:
        return self.access is Access.MANDATORY

    @property
    def read_only(self) -> bool:
        return self.access is Access.READ_ONLY


@dataclass(slots=True)
class Actor:
    """One ERP record. `values` holds only the fields that were asked for.

    Mutable on purpose: the host and engine handle them in bulk and a frozen
    dataclass costs a `object.__setattr__` per attribute on creation.
    """

    type: ActorType
    key: str
    values: dict[str, Value] = field(default_factory=dict)
    parent_type: ActorType | None = None
    parent_key: str | None = None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class ActorRef:
    """Type and key of an actor, e.g. the parent of a person."""

    type: ActorType
    key: str


@dataclass(frozen=True, slots=True)
class ListItem:
    """One item of an ERP list. `id` is what List field values hold; `code` is for people."""

    id: str
    code: str
    name: str
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Response:
    """The answer of a test call, or the description of a failure (R-SDK-6)."""

    ok: bool = True
    state: State = State.OK
    user_explanation: str = ""
    technical_explanation: str = ""
    error_code: str = ""
    category: Category | None = None

    @classmethod
    def success(cls, user_explanation: str = "", technical_explanation: str = "") -> Response:
        return cls(True, State.OK, user_explanation, technical_explanation)

    @classmethod
    def failure(
        cls,
        category: Category,
        user_explanation: str,
        technical_explanation: str = "",
        error_code: str = "",
    ) -> Response:
        return cls(
            False, State.ERROR, user_explanation, technical_explanation, error_code, category
        )


@dataclass(frozen=True, slots=True)
class ChangeBatch:
    """One batch of a change stream.

    `cursor` is opaque: passing it to `changes` again resumes after this batch.
    `complete` is set on the last batch of a read that reached the end (for a
    `snapshot` connector it means: every live actor was in this read).
    `rejected` is filled by the host, never by a connector: records it refused
    (category `data`) so the engine can quarantine them and go on.
    """

    actors: list[Actor]
    cursor: str
    complete: bool = False
    rejected: Sequence[Exception] = ()


@dataclass(frozen=True, slots=True)
class SaveResult:
    """The outcome of saving one actor: `changed` is False when the ERP already held
    exactly these values (a repeated save is harmless). `actor` holds the values as
    stored, when the connector can tell."""

    key: str
    changed: bool = False
    response: Response = field(default_factory=Response.success)
    actor: Actor | None = None

    @property
    def ok(self) -> bool:
        return self.response.ok


class Operator(StrEnum):
    """Typed operators of R-SDK-4.

    Text: equals, begins, contains, ends (case-insensitive). Numbers (Integer, Decimal,
    Double): eq, ne, lt, le, gt, ge, between. List: one_of, not_one_of (item ids).
    Date and Datetime: before, after, between. Checkbox: is. `between` includes both
    ends; an empty value (None) matches no restriction.
    """

    EQUALS = "equals"
    BEGINS = "begins"
    CONTAINS = "contains"
    ENDS = "ends"
    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"
    BETWEEN = "between"
    ONE_OF = "one_of"
    NOT_ONE_OF = "not_one_of"
    BEFORE = "before"
    AFTER = "after"
    IS = "is"


@dataclass(frozen=True, slots=True)
class Restriction:
    """One condition of an advanced search; operators per field type in `operators`."""

    field: str
    operator: Operator
    values: tuple[Value, ...] = ()
