"""Checks of writing (R-SDK-5): create → get round trip, idempotent create with an
idempotency key (R-SEM-5), and save that is harmless when repeated."""

from __future__ import annotations

from erpsync.sdk.model import Actor, ActorType, FieldType, Value
from erpsync.sdk.testkit.kit import Kit, last_seen, same_value


def _writable(kit: Kit) -> None:
    if type(kit.host.connector).read_only:
        kit.skip("the connector is read-only")


def check_create_round_trip(kit: Kit) -> None:
    _writable(kit)
    for actor_type in kit.types():
        values = kit.sample(actor_type, kit.unique_text())
        parent = kit.hooks.sample_parent(actor_type)
        created = kit.host.create(actor_type, values, parent)
        fields = kit.fields(actor_type)
        for source, actor in (
            ("create", created),
            ("get_actors", kit.get(actor_type, created.key)),
        ):
            for key, value in values.items():
                kit.expect(
                    same_value(fields[key], actor.values.get(key), value),
                    source,
                    f"field {key!r} is {actor.values.get(key)!r}, created with {value!r}",
                    created.key,
                )
            if parent is not None:
                kit.expect(
                    (actor.parent_type, actor.parent_key) == (parent.type, parent.key),
                    source,
                    f"parent is {actor.parent_type} {actor.parent_key!r}, created under "
                    f"{parent.type} {parent.key!r}",
                    created.key,
                )


def check_idempotent_create(kit: Kit) -> None:
    _writable(kit)
    if not type(kit.host.connector).idempotent_create:
        kit.skip("the connector does not declare idempotent_create")
    actor_type = kit.types()[0]
    values = kit.sample(actor_type, kit.unique_text())
    parent = kit.hooks.sample_parent(actor_type)
    token = "conformance-" + kit.unique_text()
    first = kit.host.create(actor_type, values, parent, token)
    second = kit.host.create(actor_type, values, parent, token)
    kit.expect(
        first.key == second.key,
        "create",
        f"a second create with the same idempotency key made {second.key!r}",
        first.key,
    )


def _changed_copy(kit: Kit, actor_type: ActorType, actor: Actor) -> Actor:
    text = kit.text_field(actor_type)
    if text is None:
        kit.skip(f"{actor_type} has no writable Text field to change")
    values: dict[str, Value] = {text.key: kit.unique_text()}
    return Actor(actor_type, actor.key, values, actor.parent_type, actor.parent_key)


def check_save_is_idempotent(kit: Kit) -> None:
    _writable(kit)
    for actor_type in kit.types():
        key = kit.insert(actor_type, kit.unique_text())
        current = kit.get(actor_type, key)
        unchanged = kit.host.save([current])[0]
        kit.expect(unchanged.ok, "save", f"saving what was read failed: {unchanged.response}", key)
        kit.expect(
            not unchanged.changed,
            "save",
            "saving exactly the values read back reported a change",
            key,
        )
        edit = _changed_copy(kit, actor_type, current)
        first = kit.host.save([edit])[0]
        kit.expect(first.ok and first.changed, "save", f"a real change gave {first}", key)
        start = kit.end_cursor(actor_type)
        second = kit.host.save([edit])[0]
        kit.expect(second.ok, "save", f"the second save failed: {second.response}", key)
        kit.expect(
            not second.changed,
            "save",
            "saving the same values twice must report no change the second time",
            key,
        )
        _same_after(kit, actor_type, edit, start)


def _same_after(kit: Kit, actor_type: ActorType, edit: Actor, start: str | None) -> None:
    fields = kit.fields(actor_type)
    stored = kit.get(actor_type, edit.key)
    for field_key, value in edit.values.items():
        kit.expect(
            same_value(fields[field_key], stored.values.get(field_key), value),
            "get_actors",
            f"after saving, field {field_key!r} is {stored.values.get(field_key)!r}",
            edit.key,
        )
    # An overlap re-read may repeat the actor, but never with other values.
    repeated = last_seen(kit.read(actor_type, start), edit.key)
    if repeated is not None:
        for field_key, field in fields.items():
            if field.type is FieldType.DATETIME or field.read_only:
                continue
            kit.expect(
                same_value(field, repeated.values.get(field_key), stored.values.get(field_key)),
                f"changes({actor_type})",
                f"a repeated save changed field {field_key!r}",
                edit.key,
            )
