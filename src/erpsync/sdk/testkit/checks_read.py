"""Checks of reading: get_actors, plain search, every advanced operator per field
type (compared with the reference meaning in `erpsync.sdk.operators`), children."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from erpsync.sdk.model import ActorType, Field, FieldType, Operator, Restriction, Value
from erpsync.sdk.operators import matches, operators_for, search_rank
from erpsync.sdk.testkit.kit import Kit, same_value


def _text_field(kit: Kit, actor_type: ActorType) -> Field:
    field = kit.text_field(actor_type)
    if field is None:
        kit.skip(f"{actor_type} has no writable searchable Text field to carry sample words")
    return field


def check_get_actors(kit: Kit) -> None:
    for actor_type in kit.types():
        word = kit.unique_text()
        given = kit.sample(actor_type, word)
        parent = kit.hooks.sample_parent(actor_type)
        key = kit.hooks.insert_actor(actor_type, given, parent)
        actor = kit.get(actor_type, key)
        fields = kit.fields(actor_type)
        kit.expect(not actor.deleted, "get_actors", "a new actor came back deleted", key)
        for field_key, value in given.items():
            kit.expect(
                same_value(fields[field_key], actor.values.get(field_key), value),
                "get_actors",
                f"field {field_key!r} is {actor.values.get(field_key)!r}, inserted {value!r}",
                key,
            )
        if parent is not None:
            kit.expect(
                (actor.parent_type, actor.parent_key) == (parent.type, parent.key),
                "get_actors",
                f"parent is {actor.parent_type} {actor.parent_key}, inserted under "
                f"{parent.type} {parent.key}",
                key,
            )
        one = next(iter(fields))
        narrow = kit.host.get_actors(actor_type, [key], [one])
        kit.expect(
            len(narrow) == 1 and set(narrow[0].values) == {one},
            "get_actors",
            f"asked only field {one!r}, got {[sorted(a.values) for a in narrow]}",
            key,
        )


def check_search_text(kit: Kit) -> None:
    for actor_type in kit.types():
        _text_field(kit, actor_type)
        word = kit.unique_text()
        first = kit.insert(actor_type, word)
        second = kit.insert(actor_type, f"Pre {word}")
        call = f"search({actor_type})"
        found = [a.key for a in kit.host.search(actor_type, word[:8].lower())]
        kit.expect(first in found, call, f"begins-with {word[:8].lower()!r} missed it", first)
        found = [a.key for a in kit.host.search(actor_type, word[3:12])]
        kit.expect(first in found and second in found, call, f"contains {word[3:12]!r} missed")
        kit.expect(
            found.index(first) < found.index(second),
            call,
            "begins-with matches must come before contains matches",
        )
        one = kit.host.search(actor_type, word, limit=1)
        kit.expect(len(one) <= 1, call, f"limit=1 gave {len(one)} actors")
        nothing = kit.host.search(actor_type, "Zq" + kit.unique_text())
        kit.expect(nothing == [], call, f"a text nobody holds found {[a.key for a in nothing]}")
        _check_search_soundness(kit, actor_type, word[2:9])
        kit.hooks.delete_actor(actor_type, second)
        found = [a.key for a in kit.host.search(actor_type, word)]
        kit.expect(second not in found, call, "found a deleted actor", second)


def _check_search_soundness(kit: Kit, actor_type: ActorType, text: str) -> None:
    searchable = [
        f.key
        for f in kit.host.actor_fields(actor_type)
        if f.type is FieldType.TEXT and f.key in set(kit.host.searchable_fields(actor_type))
    ]
    for actor in kit.host.search(actor_type, text, None, 25):
        values = [actor.values.get(key) for key in searchable]
        kit.expect(
            search_rank(text, values) is not None,
            f"search({actor_type})",
            f"no searchable text field contains {text!r}",
            actor.key,
        )
        kit.expect(not actor.deleted, f"search({actor_type})", "found a deleted actor", actor.key)


def cases(field: Field, value: Value, other_item: str) -> list[Restriction]:
    """Restrictions on `field` around `value`, some matching and some not."""
    key = field.key
    if field.type is FieldType.TEXT and isinstance(value, str) and value:
        texts: list[tuple[Operator, str]] = [
            (Operator.EQUALS, value),
            (Operator.EQUALS, value.swapcase()),
            (Operator.EQUALS, value + "x"),
            (Operator.BEGINS, value[:3].upper()),
            (Operator.BEGINS, "#" + value[:3]),
            (Operator.CONTAINS, value[1:-1] or value),
            (Operator.CONTAINS, value + "y"),
            (Operator.ENDS, value[-3:].lower()),
            (Operator.ENDS, value[:2] + "#"),
        ]
        return [Restriction(key, op, (arg,)) for op, arg in texts]
    if field.type is FieldType.LIST and isinstance(value, str):
        return [
            Restriction(key, Operator.ONE_OF, (value,)),
            Restriction(key, Operator.ONE_OF, (other_item,)),
            Restriction(key, Operator.NOT_ONE_OF, (value,)),
            Restriction(key, Operator.NOT_ONE_OF, (other_item,)),
        ]
    if field.type is FieldType.CHECKBOX and isinstance(value, bool):
        return [
            Restriction(key, Operator.IS, (value,)),
            Restriction(key, Operator.IS, (not value,)),
        ]
    around = _around(field.type, value)
    if around is None:
        return []
    below, above, far = around
    ops = sorted(operators_for(field.type) - {Operator.BETWEEN})
    restrictions = [Restriction(key, op, (arg,)) for op in ops for arg in (value, above, below)]
    restrictions += [
        Restriction(key, Operator.BETWEEN, (below, above)),
        Restriction(key, Operator.BETWEEN, (value, value)),
        Restriction(key, Operator.BETWEEN, (above, far)),
    ]
    return restrictions


def _around(field_type: FieldType, value: Value) -> tuple[Any, Any, Any] | None:
    """A value just below, just above, and further above `value`."""
    step: Any
    if field_type is FieldType.INTEGER and type(value) is int:
        step = 1
    elif field_type is FieldType.DECIMAL and isinstance(value, Decimal):
        step = Decimal("0.01")
    elif field_type is FieldType.DOUBLE and isinstance(value, int | float):
        step = 0.5
    elif field_type is FieldType.DATETIME and isinstance(value, datetime):
        step = timedelta(seconds=1)
    elif field_type is FieldType.DATE and type(value) is date:
        step = timedelta(days=1)
    else:
        return None
    base: Any = value
    return base - step, base + step, base + step + step


def check_search_operators(kit: Kit) -> None:
    checked: set[FieldType] = set()
    for actor_type in kit.types():
        text = _text_field(kit, actor_type)
        word = kit.unique_text()
        key = kit.insert(actor_type, word)
        sample = kit.get(actor_type, key)
        fields = kit.fields(actor_type)
        narrow = Restriction(text.key, Operator.EQUALS, (word,))
        for field_key in kit.host.searchable_fields(actor_type):
            field = fields[field_key]
            value = sample.values.get(field_key)
            for restriction in cases(field, value, _other_item(kit, field, value)):
                _check_case(kit, actor_type, key, narrow, restriction, value)
                checked.add(field.type)
    if not checked:
        kit.skip("no searchable field had a value to check operators with")


def _other_item(kit: Kit, field: Field, value: Value) -> str:
    if field.type is not FieldType.LIST:
        return ""
    for item in kit.host.list_items(field.list_name or ""):
        if item.id != value:
            return item.id
    return "no-such-item"


def _check_case(
    kit: Kit,
    actor_type: ActorType,
    key: str,
    narrow: Restriction,
    restriction: Restriction,
    value: Value,
) -> None:
    expected = matches(restriction, value)
    shown = f"{restriction.field} {restriction.operator} {_show(restriction.values)}"
    found = kit.host.search_advanced(actor_type, [narrow, restriction], None, 10)
    kit.expect(
        (key in [a.key for a in found]) == expected,
        "search_advanced",
        f"{shown} on value {value!r} should {'' if expected else 'not '}match",
        key,
    )
    for actor in kit.host.search_advanced(actor_type, [restriction], [restriction.field], 25):
        got = actor.values.get(restriction.field)
        kit.expect(
            matches(restriction, got),
            "search_advanced",
            f"{shown} returned an actor whose value {got!r} does not match",
            actor.key,
        )


def _show(values: Sequence[Value]) -> str:
    return ", ".join(repr(v) for v in values)


def check_children(kit: Kit) -> None:
    pairs = 0
    for actor_type in kit.types():
        parent = kit.hooks.sample_parent(actor_type)
        if parent is None:
            continue
        pairs += 1
        key = kit.hooks.insert_actor(actor_type, kit.sample(actor_type), parent)
        kids = kit.host.children(parent.type, parent.key, actor_type)
        call = f"children({parent.type}, {parent.key!r}, {actor_type})"
        kit.expect(key in [a.key for a in kids], call, "the new child is missing", key)
        for kid in kids:
            kit.expect(
                (kid.parent_type, kid.parent_key) == (parent.type, parent.key),
                call,
                f"child names parent {kid.parent_type} {kid.parent_key!r}",
                kid.key,
            )
            kit.expect(kid.type is actor_type, call, f"child has type {kid.type}", kid.key)
    if not pairs:
        kit.skip("sample_parent() gives no parent for any actor type")
