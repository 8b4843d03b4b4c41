"""`erpsync mapping set|default|rank|lists|policy|priority`: edit a connection's mapping
from the command line (R-MAP-1, -3…6, -8, R-UI-3). Thin over the mapping services, which
check everything first and name the field when input is wrong."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from erpsync.cli.connections import _actor, _keys
from erpsync.cli.runtime import console, database, friendly, load, print_json
from erpsync.connections import service as connections
from erpsync.crm.lists import ensure_standard_lists
from erpsync.errors import ValidationError
from erpsync.mapping import erp, lists, policy, priority, service
from erpsync.mapping.schemas import (
    CreatePolicyIn,
    FieldMappingPatch,
    FieldRow,
    ItemPair,
    ListMappingPut,
    ListReport,
    Move,
)

UserOption = typer.Option(None, "--user", "-u", help="Act as this administrator.")
TypeOption = typer.Option("Customer", "--type", "-t", help="Actor type, e.g. Customer.")
JsonOption = typer.Option(False, "--json")


def _show_fields(rows: list[FieldRow], as_json: bool) -> None:
    if as_json:
        print_json([row.model_dump(mode="json") for row in rows])
        return
    table = Table("rank", "ERP field", "CRM field", "direction", "search", "tab", "default")
    for row in rows:
        if not row.mapped:
            continue
        default = f"{row.default_mode}: {row.default_value}" if row.default_mode else ""
        table.add_row(
            str(row.rank),
            row.erp_field,
            row.crm_field or "-",
            row.direction,
            "yes" if row.show_in_search else "",
            "yes" if row.show_on_tab else "",
            default,
        )
    console.print(table)


def _patch(
    connection: str, actor_type: str, erp_field: str, change: FieldMappingPatch, user: str | None
) -> list[FieldRow]:
    settings = load()
    with database(settings).session() as session:
        found = connections.find(session, _actor(session, user), connection)
        meta = erp.read(_keys(settings), found)
        return service.patch(session, meta, found.id, actor_type, erp_field, change)


def mapping_set(
    connection: str,
    erp_field: str,
    actor_type: str = TypeOption,
    crm: str | None = typer.Option(None, "--crm", help="CRM field key, e.g. city."),
    direction: str | None = typer.Option(None, help="none | to_crm | to_erp | both"),
    search: bool | None = typer.Option(None, "--search/--no-search", help="Search window."),
    tab: bool | None = typer.Option(None, "--tab/--no-tab", help="ERP tab."),
    conflict: str | None = typer.Option(None, help="erp_wins | crm_wins | manual"),
    conversion: str | None = typer.Option(None, help="A named conversion, e.g. date_dmy."),
    remove: bool = typer.Option(False, "--remove", help="Remove the field's mapping."),
    json_output: bool = JsonOption,
    user: str | None = UserOption,
) -> None:
    """Map one ERP field (options left out stay as they are)."""
    if remove:
        settings = load()
        with database(settings).session() as session:
            found = connections.find(session, _actor(session, user), connection)
            meta = erp.read(_keys(settings), found)
            rows = service.remove(session, meta, found.id, actor_type, erp_field)
        _show_fields(rows, json_output)
        return
    given: dict[str, Any] = {
        "crm_field": crm,
        "direction": direction,
        "show_in_search": search,
        "show_on_tab": tab,
        "conflict_policy": conflict,
        "conversion": conversion,
    }
    change = FieldMappingPatch.model_validate({k: v for k, v in given.items() if v is not None})
    _show_fields(_patch(connection, actor_type, erp_field, change, user), json_output)


def mapping_default(
    connection: str,
    erp_field: str,
    actor_type: str = TypeOption,
    mode: str | None = typer.Option(None, help="set | ask | mandatory"),
    value: str | None = typer.Option(None, help="The value (an item id for list fields)."),
    clear: bool = typer.Option(False, "--clear", help="Remove the default."),
    json_output: bool = JsonOption,
    user: str | None = UserOption,
) -> None:
    """The value used when creating in the ERP: set (fixed), ask (editable) or mandatory."""
    if not clear and mode is None and value is None:
        raise ValidationError("Give --mode and/or --value, or --clear.", field="mode")
    data: dict[str, Any] = {"default_mode": None, "default_value": None}
    if not clear:
        given = {"default_mode": mode, "default_value": value}
        data = {key: item for key, item in given.items() if item is not None}
    change = FieldMappingPatch.model_validate(data)
    _show_fields(_patch(connection, actor_type, erp_field, change, user), json_output)


def mapping_rank(
    connection: str,
    erp_field: str,
    actor_type: str = TypeOption,
    up: bool = typer.Option(False, "--up", help="One place up."),
    down: bool = typer.Option(False, "--down", help="One place down."),
    to: int | None = typer.Option(None, "--to", min=1, help="To this place (1 = first)."),
    json_output: bool = JsonOption,
    user: str | None = UserOption,
) -> None:
    """Move a mapped field on the ERP tab and in the search window."""
    if [up, down, to is not None].count(True) != 1:
        raise ValidationError("Give exactly one of --up, --down or --to N.", field="rank")
    move = Move(position=to) if to is not None else Move(step=-1 if up else 1)
    settings = load()
    with database(settings).session() as session:
        found = connections.find(session, _actor(session, user), connection)
        meta = erp.read(_keys(settings), found, [])
        rows = service.move(session, meta, found.id, actor_type, erp_field, move)
    _show_fields(rows, json_output)


def _show_list(report: ListReport) -> None:
    console.print(f"{report.erp_list} → {report.crm_list or '(not mapped)'}", highlight=False)
    for pair in report.items:
        console.print(f"  {pair.erp_item} ↔ {pair.crm_item}", highlight=False)
    flags = [
        ("unmapped in the ERP", report.unmapped_erp),
        ("unmapped in the CRM", report.unmapped_crm),
        ("new in the ERP", report.new_erp),
        ("new in the CRM", report.new_crm),
    ]
    for label, found in flags:
        if found:
            codes = ", ".join(item.code for item in found)
            console.print(f"  {label}: {codes}", style="yellow", highlight=False)
    for note in report.duplicates:
        console.print(f"  duplicate: {note}", style="red", highlight=False)


def _pairs(specs: list[str]) -> list[ItemPair]:
    pairs = []
    for spec in specs:
        erp_item, sep, crm_item = spec.partition("=")
        if not sep or not erp_item or not crm_item:
            raise ValidationError(f"'{spec}' is not ERP_ITEM=CRM_CODE.", field="pair")
        pairs.append(ItemPair(erp_item=erp_item, crm_item=crm_item))
    return pairs


def mapping_lists(
    connection: str,
    erp_list: str | None = typer.Argument(None, help="One ERP list; all when left out."),
    crm_list: str | None = typer.Option(None, "--crm-list", help="The CRM list, e.g. country."),
    automatch: bool = typer.Option(False, help="Pair items by code, then name."),
    apply: bool = typer.Option(False, help="Store what --automatch proposes."),
    pair: list[str] = typer.Option([], "--pair", help="ERP_ITEM=CRM_CODE (repeat; replaces)."),
    json_output: bool = JsonOption,
    user: str | None = UserOption,
) -> None:
    """Show list mappings with their flags, auto-match a list, or set its pairs."""
    settings = load()
    with database(settings).session() as session:
        found = connections.find(session, _actor(session, user), connection)
        meta = erp.read(_keys(settings), found, None if erp_list is None else [erp_list])
        if automatch or pair:
            ensure_standard_lists(session)  # as `mapping automap --apply` does
        if erp_list is None:
            reports = [lists.report(session, meta, found.id, name) for name in meta.lists]
        else:
            target = crm_list or lists.report(session, meta, found.id, erp_list).crm_list
            if (automatch or pair) and target is None:
                raise ValidationError("Name the CRM list with --crm-list.", field="crm_list")
            if automatch and target is not None:
                report = lists.propose(session, meta, found.id, erp_list, target, apply)
            elif pair and target is not None:
                data = ListMappingPut(crm_list=target, items=_pairs(pair))
                report = lists.put(session, meta, found.id, erp_list, data)
            else:
                report = lists.report(session, meta, found.id, erp_list)
            reports = [report]
    if json_output:
        print_json([report.model_dump(mode="json") for report in reports])
        return
    for report in reports:
        _show_list(report)


def _filter(specs: list[str]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for spec in specs:
        key, sep, codes = spec.partition("=")
        if not sep or not key:
            raise ValidationError(f"'{spec}' is not FIELD=CODE[,CODE…].", field="filter")
        result.setdefault(key.strip(), []).extend(c.strip() for c in codes.split(",") if c)
    return result


def mapping_policy(
    connection: str,
    actor_type: str = TypeOption,
    erp_to_crm: str | None = typer.Option(None, "--erp-to-crm", help="ignore | create"),
    crm_to_erp: str | None = typer.Option(None, "--crm-to-erp", help="ignore | create"),
    crm_filter: list[str] = typer.Option(
        [], "--filter", help="CRM list field=codes, e.g. category=customer (repeat)."
    ),
    clear_filter: bool = typer.Option(False, "--clear-filter", help="Create for every record."),
    json_output: bool = JsonOption,
    user: str | None = UserOption,
) -> None:
    """Show or set whether records are created across (ERP→CRM, CRM→ERP with a filter)."""
    settings = load()
    with database(settings).session() as session:
        found = connections.find(session, _actor(session, user), connection)
        erp.read(_keys(settings), found, []).type_of(actor_type)
        if crm_filter:
            ensure_standard_lists(session)
        current = policy.get(session, found.id, actor_type)
        changes: dict[str, Any] = {"erp_to_crm": erp_to_crm, "crm_to_erp": crm_to_erp}
        if crm_filter or clear_filter:
            changes["crm_filter"] = _filter(crm_filter)
        update = {k: v for k, v in changes.items() if v is not None}
        if update:
            data = CreatePolicyIn.model_validate(
                {**current.model_dump(exclude={"actor_type", "entity"}), **update}
            )
            current = policy.put(session, found.id, actor_type, data)
    if json_output:
        print_json(current.model_dump(mode="json"))
        return
    filters = "; ".join(f"{k} = {', '.join(v)}" for k, v in current.crm_filter.items())
    console.print(
        f"{current.actor_type} → CRM {current.entity}: ERP→CRM {current.erp_to_crm}, "
        f"CRM→ERP {current.crm_to_erp}" + (f" (when {filters})" if filters else ""),
        highlight=False,
    )


def mapping_priority(
    connection: str | None = typer.Argument(None, help="Id or name; all when left out."),
    value: int | None = typer.Argument(None, help="The new priority (1 = highest)."),
    json_output: bool = JsonOption,
    user: str | None = UserOption,
) -> None:
    """Show the priorities of the connections with their ties, or set one."""
    with database(load()).session() as session:
        actor = _actor(session, user)
        if connection is not None and value is None:
            raise ValidationError("Give the new priority after the connection.", field="priority")
        if connection is not None and value is not None:
            found = connections.find(session, actor, connection)
            rows = priority.set_priorities(session, actor, {found.id: value})
        else:
            rows = priority.overview(session, actor)
    if json_output:
        print_json([row.__dict__ for row in rows])
        return
    table = Table("priority", "connection", "active", "writes", "ties")
    for row in rows:
        ties = ", ".join(row.ties)
        table.add_row(
            str(row.priority), row.name, "yes" if row.active else "", ", ".join(row.writes), ties
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the editing commands to the `erpsync mapping` group."""
    for name, command in (
        ("set", mapping_set),
        ("default", mapping_default),
        ("rank", mapping_rank),
        ("lists", mapping_lists),
        ("policy", mapping_policy),
        ("priority", mapping_priority),
    ):
        app.command(name)(friendly(command))
