"""The host's checks of one connector: its metadata, read once per opening, and the
`ActorCheck`s built from it.

An `ActorCheck` per (actor type, asked fields, exact keys, sent) compiles the fast
predicate (`fastcheck`) and keeps the full check that names each bad record
(`validation`); both are built here once and kept until the connection is opened
again. Values the engine sends and the restrictions of an advanced search are checked
here too, before the connector sees them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar

from erpsync.sdk.connector import Connector
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.model import Actor, ActorType, Category, Field, Restriction
from erpsync.sdk.operators import restriction_problem
from erpsync.sdk.validation import (
    ActorCheck,
    bad_record,
    check_actor_types,
    check_fields,
    expect_list,
    malformed,
)

T = TypeVar("T")
#: Connectors shipped with erpsync, whose `typed_fields` the host takes at their word.
BUILT_IN = "erpsync.connectors."


class Caller(Protocol):
    """The host's way to run one connector call (timeout, re-open and retry once)."""

    def __call__(self, call: str, function: Callable[[], T]) -> T: ...


class HostChecks:
    """Metadata and compiled checks of one connector, cached until `forget`."""

    def __init__(self, key: str, connector: Connector, call: Caller) -> None:
        self.key = key
        self.connector = connector
        self._call = call
        self._types: list[ActorType] | None = None
        self._fields: dict[ActorType, dict[str, Field]] = {}
        self._searchable: dict[ActorType, frozenset[str]] = {}
        self._checks: dict[tuple[ActorType, tuple[str, ...] | None, bool, bool], ActorCheck] = {}

    def forget(self) -> None:
        """Drop everything read: a new opening may offer other types and fields."""
        self._types = None
        self._fields.clear()
        self._searchable.clear()
        self._checks.clear()

    # --- metadata ----------------------------------------------------------------------

    def actor_types(self) -> list[ActorType]:
        if self._types is None:
            answer = self._call("actor_types", self.connector.actor_types)
            self._types = check_actor_types(self.key, answer)
        return self._types

    def field_map(self, actor_type: ActorType, call: str) -> dict[str, Field]:
        if actor_type not in self.actor_types():
            offered = ", ".join(self.actor_types()) or "none"
            raise ConnectorError(
                Category.CONFIG,
                f"The connector {self.key!r} does not offer actor type '{actor_type}' "
                f"(it offers: {offered}).",
                code="unknown_actor_type",
                connector=self.key,
                call=call,
            )
        if actor_type not in self._fields:
            answer = self._call("actor_fields", lambda: self.connector.actor_fields(actor_type))
            fields = check_fields(self.key, f"actor_fields({actor_type})", answer)
            if not fields:
                raise malformed(self.key, f"actor_fields({actor_type})", "no fields")
            self._fields[actor_type] = {field.key: field for field in fields}
        return self._fields[actor_type]

    def searchable(self, actor_type: ActorType) -> frozenset[str]:
        if actor_type not in self._searchable:
            fields = self.field_map(actor_type, "searchable_fields")
            call = f"searchable_fields({actor_type})"
            answer = self._call(call, lambda: self.connector.searchable_fields(actor_type))
            keys: list[str] = expect_list(self.key, call, answer, str)  # type: ignore[assignment]
            unknown = [key for key in keys if key not in fields]
            if unknown:
                raise malformed(self.key, call, f"unknown field {unknown[0]!r}")
            self._searchable[actor_type] = frozenset(keys)
        return self._searchable[actor_type]

    # --- checks --------------------------------------------------------------------------

    def check(
        self,
        actor_type: ActorType,
        field_keys: Sequence[str] | None,
        call: str,
        exact: bool = True,
        sent: bool = False,
    ) -> ActorCheck:
        """The check of answers (or, `sent`, of the engine's values) for these fields."""
        wanted = None if field_keys is None else tuple(field_keys)
        cache_key = (actor_type, wanted, exact, sent)
        if cache_key not in self._checks:
            fields = self.field_map(actor_type, call)
            if wanted is not None:
                unknown = [key for key in wanted if key not in fields]
                if unknown:
                    raise asked_unknown_field(self.key, call, actor_type, unknown[0])
            chosen = list(fields.values()) if wanted is None else [fields[k] for k in wanted]
            typed = frozenset() if sent else self._typed_fields(actor_type, fields)
            self._checks[cache_key] = ActorCheck(
                self.key, actor_type, chosen, self.actor_types(), exact_keys=exact, sent=sent,
                typed=typed,
            )  # fmt: skip
        return self._checks[cache_key]

    def _typed_fields(self, actor_type: ActorType, fields: Mapping[str, Field]) -> frozenset[str]:
        """The fields a built-in connector's storage types (`Connector.typed_fields`);
        nothing for any other connector, whose every value is checked."""
        if not type(self.connector).__module__.startswith(BUILT_IN):
            return frozenset()
        call = f"typed_fields({actor_type})"
        answer = self._call(call, lambda: self.connector.typed_fields(actor_type))
        if not isinstance(answer, frozenset) or not answer <= fields.keys():
            raise malformed(
                self.key, call, f"expected a frozenset of its field keys, got {answer!r}"
            )
        return answer

    def check_input(self, actor_type: ActorType, actor: Actor, call: str) -> None:
        """Values the engine sends are checked too: a wrong type is the record's problem."""
        check = self.check(actor_type, None, call, exact=False, sent=True)
        problem = check.first_problem(call, actor)
        if problem is not None:
            raise problem

    def check_restrictions(
        self, actor_type: ActorType, restrictions: Sequence[Restriction]
    ) -> None:
        fields = self.field_map(actor_type, "search_advanced")
        searchable = self.searchable(actor_type)
        for restriction in restrictions:
            field = fields.get(restriction.field)
            problem: str | None
            if field is None or restriction.field not in searchable:
                problem = f"field {restriction.field!r} is not searchable for {actor_type}"
            else:
                problem = restriction_problem(restriction, field)
            if problem:
                raise ConnectorError(
                    Category.DATA,
                    f"Cannot search {actor_type} in {self.key!r}: {problem}.",
                    code="bad_restriction",
                    connector=self.key,
                    call="search_advanced",
                    field=restriction.field,
                )


def asked_unknown_field(
    connector: str, call: str, actor_type: ActorType, key: str
) -> ConnectorError:
    error = bad_record(connector, call, None, key, f"unknown field {key!r} for {actor_type}")
    error.user_explanation = f"{actor_type} in {connector!r} has no field {key!r}."
    return error
