"""Searching the ERP for an actor to connect (R-TAB-2): free text and advanced
restrictions with the SDK's typed operators, answered with the connection's
search-window fields ("shown in search", rank order) and, per hit, the CRM record it
is already linked to, if any (such an actor cannot be connected a second time)."""

from __future__ import annotations

from sqlalchemy import select

from erpsync.accounts.models import User
from erpsync.connections.service import Keys
from erpsync.db import Database
from erpsync.errors import ValidationError
from erpsync.linking import fields as linking_fields
from erpsync.linking import target as targets
from erpsync.linking.schemas import RestrictionIn, SearchColumn, SearchHit, SearchIn, SearchRead
from erpsync.linking.values import tab_field
from erpsync.mapping.transform import TransformError, value_from_json
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Actor, ActorType, Field, FieldType, Restriction
from erpsync.sdk.operators import operators_for, restriction_problem
from erpsync.sync.models import LINK_UNLINKED, Link

#: Columns when no field is marked "shown in search": the first synced ones.
FALLBACK_COLUMNS = 6


def _column(field: Field) -> SearchColumn:
    return SearchColumn(
        key=field.key,
        label=field.display_name,
        type=field.type.value,
        operators=sorted(op.value for op in operators_for(field.type)),
    )


def _restriction(
    erp: dict[str, Field], searchable: set[str], given: RestrictionIn, index: int
) -> Restriction:
    where = f"restrictions.{index}"
    field = erp.get(given.field)
    if field is None or given.field not in searchable:
        names = ", ".join(sorted(searchable))
        raise ValidationError(
            f"{where}.field: '{given.field}' cannot be searched (searchable: {names}).",
            field=f"{where}.field",
            value=given.field,
        )
    try:
        values = tuple(value_from_json(field, value) for value in given.values)
    except TransformError as exc:
        raise ValidationError(
            f"{where}.values: {exc.message}", field=f"{where}.values", value=exc.extra.get("value")
        ) from None
    restriction = Restriction(given.field, given.operator, values)
    problem = restriction_problem(restriction, field)
    if problem:
        raise ValidationError(f"{where}: {problem}.", field=f"{where}.operator")
    return restriction


def _columns(tf: linking_fields.TypeFields) -> list[Field]:
    chosen = [m.erp for m in tf.mapped if m.show_in_search]
    if not chosen:
        chosen = [tf.erp[r.erp_key] for r in tf.synced][:FALLBACK_COLUMNS]
    return chosen


def _find(
    host: ConnectorHost,
    actor_type: ActorType,
    query: SearchIn,
    restrictions: list[Restriction],
    keys: list[str],
) -> list[Actor]:
    text = query.text.strip()
    if not restrictions:
        return host.search(actor_type, text, keys, query.limit)
    found = host.search_advanced(actor_type, restrictions, keys, query.limit if not text else 200)
    if not text:
        return found
    # Both: the text search's order, kept to actors meeting every restriction too.
    allowed = {actor.key for actor in found}
    return [a for a in host.search(actor_type, text, keys, 200) if a.key in allowed][: query.limit]


def search(
    database: Database,
    keys: Keys,
    user: User,
    kind: str,
    record_id: int,
    connection_id: int,
    query: SearchIn,
    describe_only: bool = False,
) -> SearchRead:
    """The hits of a search; `describe_only`: no search, just the fields and operators."""
    with database.read_session() as session:
        target = targets.target(session, user, kind, record_id, connection_id, "connect")
        actor_type = targets.actor_type_of(target, query.actor_type)
        config = targets.config_of(session, keys, target)
    if not describe_only and not query.text.strip() and not query.restrictions:
        raise ValidationError(
            "text: type something to search for, or add a restriction.", field="text"
        )
    with targets.opened(target, config) as host:
        try:
            with database.read_session() as session:
                tf = linking_fields.load(session, host, connection_id, actor_type)
            searchable = set(host.searchable_fields(actor_type))
            restrictions = [
                _restriction(tf.erp, searchable, r, i) for i, r in enumerate(query.restrictions)
            ]
            columns = _columns(tf)
            wanted = [c.key for c in columns]
            found = [] if describe_only else _find(host, actor_type, query, restrictions, wanted)
            # item names per list: ids repeat across lists
            items: dict[str, dict[str, str]] = {}
            for column in columns:
                name = column.list_name
                if column.type is FieldType.LIST and name and name not in items:
                    items[name] = {i.id: i.name for i in host.list_items(name)}
        except ConnectorError as exc:
            raise targets.erp_failure(target, exc, "the search") from exc
    linked = _linked(database, connection_id, actor_type, [a.key for a in found])
    hits = [
        SearchHit(
            erp_key=actor.key,
            values={
                c.key: tab_field(c, actor.values.get(c.key), items.get(c.list_name or "", {})).value
                for c in columns
            },
            linked_to=linked.get(actor.key),
        )
        for actor in found
    ]
    return SearchRead(
        actor_type=actor_type.value,
        columns=[_column(c) for c in columns],
        searchable=[_column(tf.erp[key]) for key in sorted(searchable)],
        hits=hits,
    )


def _linked(
    database: Database, connection_id: int, actor_type: ActorType, keys: list[str]
) -> dict[str, int]:
    if not keys:
        return {}
    with database.read_session() as session:
        rows = session.execute(
            select(Link.erp_key, Link.crm_id).where(
                Link.connection_id == connection_id,
                Link.actor_type == actor_type.value,
                Link.erp_key.in_(keys),
                Link.state != LINK_UNLINKED,
            )
        ).all()
    return {erp_key: int(crm_id) for erp_key, crm_id in rows}
