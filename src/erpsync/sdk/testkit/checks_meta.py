"""Checks of the connector's description of itself: class attributes, configuration,
test calls and their error categories, identity, actor metadata and lists."""

from __future__ import annotations

from erpsync.sdk.model import Actor, Category, ChangeTracking, FieldType, Value
from erpsync.sdk.operators import operators_for
from erpsync.sdk.registry import connector_problem
from erpsync.sdk.testkit.kit import Kit


def check_class_attributes(kit: Kit) -> None:
    cls = type(kit.host.connector)
    problem = connector_problem(cls.key, cls)
    kit.expect(problem is None, "(class)", str(problem))
    kit.expect(
        isinstance(cls.change_tracking, ChangeTracking), "(class)", "change_tracking is not valid"
    )
    offered = set(kit.host.actor_types())
    declared = set(cls.supported_actor_types)
    kit.expect(
        not declared or offered <= declared,
        "actor_types",
        f"offers {sorted(offered - declared)} not listed in supported_actor_types",
    )


def check_config_fields(kit: Kit) -> None:
    fields = kit.host.config_fields()
    kit.expect(bool(fields), "config_fields", "a connector needs at least one config field")
    for field in fields:
        kit.expect(bool(field.display_name), "config_fields", f"field {field.key!r} has no name")
        if field.type is FieldType.PASSWORD:
            kit.expect(
                field.default is None,
                "config_fields",
                f"Password field {field.key!r} must not have a default",
            )
    keys = {field.key for field in fields}
    unknown = set(kit.hooks.config_values()) - keys
    kit.expect(not unknown, "config_fields", f"config_values() uses unknown keys {sorted(unknown)}")


def check_test_config_and_categories(kit: Kit) -> None:
    good = kit.host.test_config(kit.hooks.config_values())
    kit.expect(good.ok, "test_config", f"refused the working configuration: {good}")
    bad = kit.host.test_config(kit.hooks.bad_config_values())
    kit.expect(not bad.ok, "test_config", "accepted bad_config_values()")
    kit.expect(
        bad.category is Category.CONFIG,
        "test_config",
        f"a bad configuration must fail with category 'config', got {bad.category!s} "
        f"({bad.user_explanation})",
    )
    kit.expect(bool(bad.user_explanation), "test_config", "a failure must explain itself to users")
    connection = kit.host.test_connection()
    kit.expect(connection.ok, "test_connection", f"the open connection failed: {connection}")


def check_instance_id(kit: Kit) -> None:
    first = kit.host.instance_id()
    kit.expect(first == kit.host.instance_id(), "instance_id", "changed between two calls")
    kit.host.close()
    kit.host.open("conformance-reopen", kit.hooks.config_values())
    again = kit.host.instance_id()
    kit.expect(first == again, "instance_id", f"changed on re-open: {first!r} → {again!r}")


def check_metadata(kit: Kit) -> None:
    types = kit.host.actor_types()
    kit.expect(bool(types), "actor_types", "offers no actor type")
    lists = set(kit.host.lists())
    for actor_type in types:
        fields = kit.fields(actor_type)
        call = f"actor_fields({actor_type})"
        for field in fields.values():
            kit.expect(bool(field.display_name), call, f"field {field.key!r} has no display name")
            kit.expect(isinstance(field.rank, int), call, f"field {field.key!r}: rank not an int")
            if field.type is FieldType.LIST:
                kit.expect(
                    field.list_name in lists,
                    call,
                    f"List field {field.key!r} names list {field.list_name!r}, "
                    f"not one of lists() {sorted(lists)}",
                )
            kit.expect(
                field.type is not FieldType.PASSWORD,
                call,
                f"actor field {field.key!r} is a Password",
            )
        searchable = kit.host.searchable_fields(actor_type)
        for key in searchable:
            kit.expect(
                bool(operators_for(fields[key].type)),
                f"searchable_fields({actor_type})",
                f"field {key!r} of type {fields[key].type} cannot be searched",
            )


def check_list_items(kit: Kit) -> None:
    for list_name in kit.host.lists():
        call = f"list_items({list_name})"
        items = kit.host.list_items(list_name)
        kit.expect(bool(items), call, "the list is empty")
        for item in items:
            kit.expect(isinstance(item.code, str), call, f"item {item.id!r}: code is not a str")
            kit.expect(bool(item.name), call, f"item {item.id!r} has no name")


def check_unknown_keys(kit: Kit) -> None:
    """Decision of the contract: an unknown key is left out of `get_actors`' answer (no
    error), and `save` of an unknown key is a `data` failure of that record."""
    for actor_type in kit.types():
        missing = "999999999-no-such-key"
        found = kit.host.get_actors(actor_type, [missing])
        kit.expect(
            found == [], "get_actors", f"an unknown {actor_type} key gave {found!r}", missing
        )
        if type(kit.host.connector).read_only:
            continue
        text = kit.text_field(actor_type)
        values: dict[str, Value] = {} if text is None else {text.key: "x"}
        results = kit.host.save([Actor(actor_type, missing, values)])
        result = results[0]
        kit.expect(not result.ok, "save", f"saving an unknown {actor_type} succeeded", missing)
        kit.expect(
            result.response.category is Category.DATA,
            "save",
            f"saving an unknown key must fail with category 'data', "
            f"got {result.response.category!s}",
            missing,
        )
