"""Checks of connector answers (R-SDK "Bad input", R-NF-2): nothing malformed gets past.

A record-level problem (missing key, unknown field, wrong value type, naive datetime,
wrong actor type) is a `data` error naming connector, call, record and field; a
malformed answer as a whole (wrong container, bad cursor, duplicate metadata) is a
`system` error. `ActorCheck` is built once per (actor type, asked fields) and applied
to whole batches: a predicate compiled for it (`fastcheck`) passes the fine ones,
and only a batch with a record it does not pass goes through the loop that names
the problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from erpsync.sdk.errors import BAD_ANSWER, ConnectorError
from erpsync.sdk.fastcheck import all_fine, compile_predicate
from erpsync.sdk.model import (
    Actor,
    ActorType,
    Category,
    Field,
    FieldType,
    ListItem,
    Response,
)
from erpsync.sdk.values import Check, value_check

_NO_LIMIT = 1 << 62

# Types whose plain instances need no further rule: a value of exactly this type
# passes without calling the field's check function.
_FAST_TYPES: dict[FieldType, type] = {
    FieldType.CHECKBOX: bool,
    FieldType.INTEGER: int,
    FieldType.DOUBLE: float,
    FieldType.LIST: str,
}


def malformed(connector: str, call: str, what: str) -> ConnectorError:
    return ConnectorError(
        Category.SYSTEM,
        f"The connector {connector!r} gave a malformed answer to {call}: {what}.",
        code=BAD_ANSWER,
        connector=connector,
        call=call,
    )


def bad_record(
    connector: str, call: str, key: str | None, field: str | None, what: str, sent: bool = False
) -> ConnectorError:
    where = f"record {key!r}" if key else "a record"
    if field:
        where += f", field {field!r}"
    if sent:  # the engine's input to a write, checked before the connector sees it
        text = f"A bad {where} was sent to {call} of the connector {connector!r}: {what}."
    else:
        text = f"The connector {connector!r} answered {call} with a bad {where}: {what}."
    return ConnectorError(
        Category.DATA,
        text,
        code=BAD_ANSWER,
        connector=connector,
        call=call,
        actor_key=key,
        field=field,
    )


def expect_list(connector: str, call: str, answer: object, item: type) -> list[object]:
    if not isinstance(answer, list):
        raise malformed(connector, call, f"expected a list, got {type(answer).__name__}")
    for element in answer:
        if not isinstance(element, item):
            raise malformed(
                connector, call, f"expected {item.__name__} items, got {type(element).__name__}"
            )
    return answer


def check_fields(connector: str, call: str, answer: object) -> list[Field]:
    """Field metadata: Field objects, unique non-empty keys, valid types, List → list name."""
    fields: list[Field] = expect_list(connector, call, answer, Field)  # type: ignore[assignment]
    seen: set[str] = set()
    for field in fields:
        if not isinstance(field.key, str) or not field.key:
            raise malformed(connector, call, "a field has no key")
        if field.key in seen:
            raise malformed(connector, call, f"field key {field.key!r} appears twice")
        seen.add(field.key)
        if not isinstance(field.type, FieldType):
            raise malformed(connector, call, f"field {field.key!r} has type {field.type!r}")
        if field.type is FieldType.LIST and not field.list_name:
            raise malformed(connector, call, f"List field {field.key!r} names no list")
        if field.default is not None and (problem := value_check(field)(field.default)):
            raise malformed(connector, call, f"default of field {field.key!r}: {problem}")
    return fields


def check_actor_types(connector: str, answer: object) -> list[ActorType]:
    types: list[ActorType] = expect_list(connector, "actor_types", answer, ActorType)  # type: ignore[assignment]
    if len(set(types)) != len(types):
        raise malformed(connector, "actor_types", "an actor type appears twice")
    return types


def check_list_items(connector: str, call: str, answer: object) -> list[ListItem]:
    items: list[ListItem] = expect_list(connector, call, answer, ListItem)  # type: ignore[assignment]
    ids: set[str] = set()
    for item in items:
        if not isinstance(item.id, str) or not item.id:
            raise malformed(connector, call, f"list item {item!r} has no id")
        if item.id in ids:
            raise malformed(connector, call, f"list item id {item.id!r} appears twice")
        ids.add(item.id)
    return items


def check_response(connector: str, call: str, answer: object) -> Response:
    if not isinstance(answer, Response):
        raise malformed(connector, call, f"expected a Response, got {type(answer).__name__}")
    if not answer.ok and answer.category is None:
        raise malformed(connector, call, "a failed Response must name its category")
    return answer


class ActorCheck:
    """Validates actors of one type answered with one set of asked fields."""

    def __init__(
        self,
        connector: str,
        actor_type: ActorType,
        fields: Sequence[Field],
        actor_types: Iterable[ActorType],
        *,
        exact_keys: bool = True,
        sent: bool = False,
        typed: frozenset[str] = frozenset(),
    ) -> None:
        self.connector = connector
        self.sent = sent
        self.actor_type = actor_type
        self.known_types = frozenset(actor_types)
        self.exact_keys = exact_keys
        self.key_set = frozenset(field.key for field in fields)
        # (key, type that passes at once, longest such text, full check)
        self.checks: list[tuple[str, type | None, int, Check]] = [
            (field.key, _fast_type(field), field.max_length or _NO_LIMIT, value_check(field))
            for field in fields
        ]
        # One expression per actor that passes what is fine (see `fastcheck`).
        self.fine = compile_predicate(actor_type, fields, self.known_types, exact_keys, typed)

    def first_problem(self, call: str, actor: object) -> ConnectorError | None:
        """The problem of one actor (a `data` error), or None when it is fine.

        Raises a `system` error when `actor` is not an Actor at all.
        """
        if type(actor) is not Actor:
            raise malformed(self.connector, call, f"expected Actor, got {type(actor).__name__}")
        key = actor.key
        if type(key) is not str or not key:
            return self._bad(call, None, None, f"missing ERP key ({key!r})")
        if actor.type is not self.actor_type:
            return self._bad(
                call, key, None, f"actor type '{actor.type}', expected {self.actor_type}"
            )
        values = actor.values
        if type(values) is not dict:
            return self._bad(call, key, None, "values are not a dict")
        if values.keys() != self.key_set and not (actor.deleted and not values):
            problem = self._key_problem(values.keys())
            if problem:
                return self._bad(call, key, problem[0], problem[1])
        for field_key, fast, limit, check in self.checks:
            value = values.get(field_key)
            if value is None or (type(value) is fast and (fast is not str or len(value) <= limit)):  # type: ignore[arg-type]
                continue
            if reason := check(value):
                return self._bad(call, key, field_key, reason)
        return self._structure_problem(call, actor)

    def _bad(self, call: str, key: str | None, field: str | None, what: str) -> ConnectorError:
        return bad_record(self.connector, call, key, field, what, self.sent)

    def _key_problem(self, keys: Iterable[str]) -> tuple[str, str] | None:
        given = set(keys)
        unknown = given - self.key_set
        if unknown:
            name = sorted(unknown, key=str)[0]
            return name, f"unknown field {name!r} for {self.actor_type}"
        missing = self.key_set - given
        if missing and self.exact_keys:
            name = sorted(missing)[0]
            return name, "asked field missing from values (answer None for an empty value)"
        return None

    def _structure_problem(self, call: str, actor: Actor) -> ConnectorError | None:
        if type(actor.deleted) is not bool:
            return self._bad(call, actor.key, None, "deleted must be a bool")
        parent_type, parent_key = actor.parent_type, actor.parent_key
        if parent_type is None and parent_key is None:
            return None
        if parent_type not in self.known_types:
            return self._bad(call, actor.key, None, f"unknown parent type '{parent_type}'")
        if type(parent_key) is not str or not parent_key:
            return self._bad(call, actor.key, None, f"parent key {parent_key!r} is not a key")
        return None

    def all_or_raise(self, call: str, actors: object) -> list[Actor]:
        """Check a whole answer; the first bad record raises its `data` error."""
        checked: list[Actor] = expect_list(self.connector, call, actors, object)  # type: ignore[assignment]
        if all_fine(self.fine, checked):
            return checked
        for actor in checked:
            if problem := self.first_problem(call, actor):
                raise problem
        return checked

    def split(self, call: str, actors: list[Actor]) -> tuple[list[Actor], list[ConnectorError]]:
        """Good actors and the `data` errors of the bad ones (for streams)."""
        if all_fine(self.fine, actors):
            return actors, []
        problems = [self.first_problem(call, actor) for actor in actors]
        if not any(problems):
            return actors, []
        good = [actor for actor, problem in zip(actors, problems, strict=True) if not problem]
        return good, [problem for problem in problems if problem]


def _fast_type(field: Field) -> type | None:
    if field.type in (FieldType.TEXT, FieldType.PASSWORD, FieldType.LABEL):
        return str
    return _FAST_TYPES.get(field.type)
