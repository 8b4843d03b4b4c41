"""`erpsync link show|search|connect|create|disconnect`: the ERP tab and linking of one CRM
record through one connection (R-TAB-1…4, R-UI-3).

Acts as `--user LOGIN` (the connection's scope and rights apply) or the first active
administrator. A record is `KIND ID` (company, person or project); restrictions are
`FIELD OPERATOR VALUE` with several values separated by `;`.
"""

from __future__ import annotations

from typing import Any

import typer
from pydantic import BaseModel
from rich.table import Table

from erpsync.cli.products import _user
from erpsync.cli.runtime import console, database, friendly, load, print_json
from erpsync.connections import service as connections
from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.errors import ValidationError
from erpsync.linking import connect, create, search, tab
from erpsync.linking.schemas import ConnectIn, CreateIn, RestrictionIn, SearchIn, Side
from erpsync.linking.target import LinkTarget
from erpsync.mapping.crm_fields import ENTITIES
from erpsync.secrets import SecretBox

app = typer.Typer(help="The ERP tab: show, search, connect, create in ERP, disconnect.")

CONNECTION = typer.Argument(..., help="The connection's name or id.")
KIND = typer.Argument(..., help="company, person or project.")
RECORD = typer.Argument(..., help="The CRM record's id.")
ACTOR_TYPE = typer.Option("Customer", "--actor-type", "-t", help="The ERP actor type.")
USER = typer.Option(None, "--user", "-u", help="Act as this user.")
JSON = typer.Option(False, "--json", help="Print JSON.")


@app.callback()
def link() -> None:
    """The ERP tab: show, search, connect, create in ERP, disconnect."""


def _setup(connection: str, kind: str, user: str | None) -> tuple[Database, Keys, Any, int]:
    if kind not in ENTITIES:
        raise ValidationError(f"kind: '{kind}' is not one of {', '.join(ENTITIES)}.", field="kind")
    settings = load()
    keys = Keys(SecretBox(settings.secret_keys), settings.session_secret)
    db = database(settings)
    with db.read_session() as session:
        actor = _user(session, user)
        found = connections.find(session, actor, connection)
        return db, keys, actor, found.id


def _pairs(given: list[str], option: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in given:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"{option}: '{item}' is not FIELD=VALUE.", field=option)
        found[key.strip()] = value
    return found


def _as_json(answer: BaseModel, json_output: bool) -> bool:
    """Print the answer as JSON when asked; True when it was printed."""
    if json_output:
        print_json(answer.model_dump(mode="json"))
    return json_output


def _restriction(text: str) -> RestrictionIn:
    parts = text.split(maxsplit=2)
    if len(parts) < 2:
        raise ValidationError(f"where: '{text}' is not FIELD OPERATOR VALUE.", field="where")
    values = [v.strip() for v in (parts[2] if len(parts) > 2 else "").split(";") if v.strip()]
    return RestrictionIn.model_validate({"field": parts[0], "operator": parts[1], "values": values})


@app.command("show")
@friendly
def show(
    connection: str = CONNECTION,
    kind: str = KIND,
    record_id: int = RECORD,
    user: str | None = USER,
    json_output: bool = JSON,
) -> None:
    """The ERP tab: the linked actors' fields, live, or what can be linked."""
    db, keys, actor, cid = _setup(connection, kind, user)
    with console.status("Asking the ERP…"):
        found = tab.tab(db, keys, actor, kind, record_id, cid)
    if _as_json(found, json_output):
        return
    for section in found.sections:
        title = f"{found.connection_name} · {section.actor_type} {section.erp_key or ''}".strip()
        if not section.linked:
            console.print(f"{title}: not linked")
            continue
        if section.message:
            console.print(f"[red]{section.message}[/red]", highlight=False)
        table = Table("Field", "Value", title=title)
        for field in section.fields:
            table.add_row(field.label, "" if field.value is None else str(field.value))
        console.print(table)


@app.command("search")
@friendly
def search_erp(
    connection: str = CONNECTION,
    kind: str = KIND,
    record_id: int = RECORD,
    text: str = typer.Option("", "--text", "-q", help="Free text."),
    where: list[str] = typer.Option([], "--where", "-w", help="FIELD OPERATOR VALUE[;VALUE]"),
    actor_type: str = ACTOR_TYPE,
    limit: int = typer.Option(25, min=1, max=200),
    user: str | None = USER,
    json_output: bool = JSON,
) -> None:
    """Search the ERP for an actor to connect this record to."""
    db, keys, actor, cid = _setup(connection, kind, user)
    query = SearchIn(
        actor_type=actor_type,
        text=text,
        restrictions=[_restriction(w) for w in where],
        limit=limit,
    )
    with console.status("Searching the ERP…"):
        found = search.search(db, keys, actor, kind, record_id, cid, query)
    if _as_json(found, json_output):
        return
    table = Table("Key", *[c.label for c in found.columns], "Linked to", title=actor_type)
    for hit in found.hits:
        cells = ["" if hit.values[c.key] is None else str(hit.values[c.key]) for c in found.columns]
        table.add_row(hit.erp_key, *cells, "" if hit.linked_to is None else str(hit.linked_to))
    console.print(table)


@app.command("connect")
@friendly
def connect_record(
    connection: str = CONNECTION,
    kind: str = KIND,
    record_id: int = RECORD,
    erp_key: str = typer.Argument(..., help="The actor's key in the ERP."),
    actor_type: str = ACTOR_TYPE,
    keep_crm: list[str] = typer.Option([], "--keep-crm", help="ERP field whose CRM value wins."),
    take_erp: list[str] = typer.Option([], "--take-erp", help="ERP field whose ERP value wins."),
    user: str | None = USER,
    json_output: bool = JSON,
) -> None:
    """Link the record to an actor; differing fields take the defaults unless chosen."""
    db, keys, actor, cid = _setup(connection, kind, user)
    choices: dict[str, Side] = {key: "crm" for key in keep_crm}
    choices.update({key: "erp" for key in take_erp})
    data = ConnectIn(actor_type=actor_type, erp_key=erp_key, choices=choices)
    with console.status("Connecting…"):
        linked = connect.connect(LinkTarget(db, keys, actor, kind, record_id, cid), data)
    if _as_json(linked, json_output):
        return
    console.print(
        f"Linked {kind} {record_id} to {linked.actor_type} {linked.erp_key}; "
        f"CRM fields written: {', '.join(linked.crm_changed) or 'none'}; "
        f"ERP fields saved: {', '.join(linked.erp_changed) or 'none'}."
    )


@app.command("create")
@friendly
def create_in_erp(
    connection: str = CONNECTION,
    kind: str = KIND,
    record_id: int = RECORD,
    actor_type: str = ACTOR_TYPE,
    value: list[str] = typer.Option([], "--value", "-v", help="ERP_FIELD=VALUE for asked fields."),
    user: str | None = USER,
    json_output: bool = JSON,
) -> None:
    """Create the record in the ERP (defaults applied) and link it."""
    db, keys, actor, cid = _setup(connection, kind, user)
    data = CreateIn(actor_type=actor_type, values=_pairs(value, "value"))
    with console.status("Creating in the ERP…"):
        created = create.create(LinkTarget(db, keys, actor, kind, record_id, cid), data)
    if _as_json(created, json_output):
        return
    console.print(f"Created {created.actor_type} {created.erp_key} and linked it.")


@app.command("disconnect")
@friendly
def disconnect_record(
    connection: str = CONNECTION,
    kind: str = KIND,
    record_id: int = RECORD,
    actor_type: str = ACTOR_TYPE,
    user: str | None = USER,
    json_output: bool = JSON,
) -> None:
    """Remove the link only; both records stay."""
    db, keys, actor, cid = _setup(connection, kind, user)
    erp_key = connect.disconnect(LinkTarget(db, keys, actor, kind, record_id, cid), actor_type)
    if json_output:
        print_json(
            {
                "connection_id": cid,
                "kind": kind,
                "record_id": record_id,
                "actor_type": actor_type,
                "erp_key": erp_key,
                "disconnected": True,
            }
        )
        return
    console.print(
        f"Disconnected {kind} {record_id} from {actor_type} {erp_key}; both records stay."
    )
