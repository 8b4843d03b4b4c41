"""Connect and Disconnect (R-TAB-2, R-TAB-4).

Connect compares the CRM record with the chosen actor field by field, in the CRM form
the shadow uses (R-SEM-2). Where they differ, the user picks the side that wins; a side
may win only where the field's direction lets its value travel (ERP wins: `to_crm` or
`both`; CRM wins: `to_erp` or `both`). Then, in this order:

1. the CRM-side winners are saved to the ERP (`save`); a refusal writes nothing;
2. in one transaction: the link with its shadow (every synced field's agreed value),
   the ERP-side winners written to the CRM record, and the sync log rows.

Disconnect marks the link `unlinked` (kept as history) and logs it; both records stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from erpsync.connections.hosts import Endpoint
from erpsync.db import Database
from erpsync.errors import Conflict, NotFound, ValidationError
from erpsync.linking import fields as linking_fields
from erpsync.linking import item_names
from erpsync.linking import target as targets
from erpsync.linking.schemas import CompareRead, CompareRow, ConnectIn, LinkRead, Side
from erpsync.mapping.transform import CrmValue, TransformError, to_crm, to_erp
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Actor, ActorType
from erpsync.sync import crmrows, journal, links
from erpsync.sync.decide import Policy
from erpsync.sync.links import LinkRow
from erpsync.sync.models import Link

CONNECTED = "connected"
DISCONNECTED = "disconnected"


@dataclass
class Plan:
    """What linking one record to one actor writes on each side."""

    shadow: dict[str, CrmValue] = field(default_factory=dict)
    crm: dict[str, CrmValue] = field(default_factory=dict)  # CRM field → value
    erp: dict[str, object] = field(default_factory=dict)  # ERP field → typed value
    log: list[tuple[str, str, CrmValue, CrmValue]] = field(default_factory=list)


def _rows(
    tf: linking_fields.TypeFields,
    crm: crmrows.CrmRow,
    actor: Actor,
    items: Mapping[str, Mapping[str, str]],
) -> list[CompareRow]:
    rows: list[CompareRow] = []
    for rule in tf.synced:
        if rule.erp_key not in actor.values:
            continue
        erp_value = to_crm(rule.rule, actor.values[rule.erp_key])
        crm_value = crm.get(rule.crm_key)
        list_name = tf.erp[rule.erp_key].list_name or ""
        crm_text, erp_text = (
            item_names.texts(rule, items[list_name], actor.values[rule.erp_key], crm_value)
            if list_name in items
            else (None, None)
        )
        choices: list[Side] = []
        if rule.to_crm:
            choices.append("erp")
        if rule.to_erp and not tf.erp[rule.erp_key].read_only:
            choices.append("crm")
        prefer_crm = not rule.to_crm or (rule.to_erp and rule.policy is Policy.CRM_WINS)
        default: Side = "crm" if prefer_crm and "crm" in choices else "erp"
        rows.append(
            CompareRow(
                erp_field=rule.erp_key,
                label=tf.erp[rule.erp_key].display_name,
                crm_field=rule.crm_key,
                crm_value=crm_value,
                erp_value=erp_value,
                differs=erp_value != crm_value,
                choices=choices or ["erp"],
                default=default,
                crm_text=crm_text,
                erp_text=erp_text,
            )
        )
    return rows


def _plan(tf: linking_fields.TypeFields, rows: list[CompareRow], chosen: dict[str, Side]) -> Plan:
    unknown = sorted(set(chosen) - {row.erp_field for row in rows})
    if unknown:
        raise ValidationError(
            f"choices.{unknown[0]}: not a mapped field of this actor type.",
            field=f"choices.{unknown[0]}",
        )
    plan = Plan()
    for row in rows:
        side = chosen.get(row.erp_field, row.default)
        if row.differs and side not in row.choices:
            raise ValidationError(
                f"choices.{row.erp_field}: the {side.upper()} value cannot win here; the "
                f"field's direction allows: {', '.join(row.choices)}.",
                field=f"choices.{row.erp_field}",
            )
        winner = row.crm_value if row.differs and side == "crm" else row.erp_value
        plan.shadow[row.erp_field] = winner
        if not row.differs:
            continue
        rule = tf.rule(row.erp_field)
        assert rule is not None
        if side == "crm":
            try:
                plan.erp[row.erp_field] = to_erp(rule.rule, row.crm_value)
            except TransformError as exc:
                raise ValidationError(exc.message, field=f"choices.{row.erp_field}") from None
            plan.log.append(("to_erp", row.crm_field, row.erp_value, row.crm_value))
        else:
            plan.crm[row.crm_field] = row.erp_value
            plan.log.append(("to_crm", row.crm_field, row.crm_value, row.erp_value))
    return plan


@dataclass
class _Loaded:
    target: targets.Target
    actor_type: ActorType
    tf: linking_fields.TypeFields
    actor: Actor
    rows: list[CompareRow]


def _load(
    database: Database,
    host: ConnectorHost,
    target: targets.Target,
    actor_type: ActorType,
    erp_key: str,
) -> _Loaded:
    with database.read_session() as session:
        tf = linking_fields.load(session, host, target.connection_id, actor_type)
        crm = _crm_row(session, target)
    try:
        found = host.get_actors(actor_type, [erp_key], [r.erp_key for r in tf.synced])
        if not found or found[0].deleted:
            raise NotFound(f"The ERP has no {actor_type} '{erp_key}'.", field="erp_key")
        items = item_names.of_synced(host, tf)
    except ConnectorError as exc:
        raise targets.erp_failure(target, exc, "the lookup") from exc
    return _Loaded(target, actor_type, tf, found[0], _rows(tf, crm, found[0], items))


def _crm_row(session: Session, target: targets.Target) -> crmrows.CrmRow:
    codes = crmrows.ListCodes(session)
    return crmrows.read(session, target.kind, [target.record_id], codes)[target.record_id]


def _begin(
    link: targets.LinkTarget, actor_type_name: str, erp_key: str
) -> tuple[targets.Target, ActorType, Endpoint]:
    """Checks before any ERP call: scope, right, neither side linked already."""
    with link.database.read_session() as session:
        target = link.check(session, "connect")
        actor_type = targets.unlinked_type(session, target, actor_type_name)
        taken = links.by_erp_keys(session, link.connection_id, actor_type.value, [erp_key])
        if erp_key in taken:
            other = taken[erp_key]
            raise Conflict(
                f"erp_key: {actor_type} {erp_key} is already linked to {other.crm_kind} "
                f"{other.crm_id}.",
                field="erp_key",
            )
        config = targets.config_of(session, link.keys, target)
    return target, actor_type, config


def compare(link: targets.LinkTarget, actor_type_name: str, erp_key: str) -> CompareRead:
    """CRM and ERP values side by side, with the sides allowed to win per field."""
    target, actor_type, config = _begin(link, actor_type_name, erp_key)
    with targets.opened(target, config) as host:
        loaded = _load(link.database, host, target, actor_type, erp_key)
    return CompareRead(actor_type=actor_type.value, erp_key=erp_key, rows=loaded.rows)


def connect(link: targets.LinkTarget, data: ConnectIn) -> LinkRead:
    target, actor_type, config = _begin(link, data.actor_type, data.erp_key)
    with targets.opened(target, config) as host:
        loaded = _load(link.database, host, target, actor_type, data.erp_key)
        plan = _plan(loaded.tf, loaded.rows, data.choices)
        if plan.erp:
            _save(host, loaded, plan)
    row = LinkRow(
        actor_type.value,
        data.erp_key,
        link.kind,
        link.record_id,
        parent_type=loaded.actor.parent_type.value if loaded.actor.parent_type else None,
        parent_key=loaded.actor.parent_key,
        shadow=dict(plan.shadow),
    )
    write_link(link.database, target, row, plan, CONNECTED)
    return LinkRead(
        connection_id=link.connection_id,
        actor_type=actor_type.value,
        erp_key=data.erp_key,
        crm_kind=link.kind,
        crm_id=link.record_id,
        state=row.state,
        crm_changed=sorted(plan.crm),
        erp_changed=sorted(plan.erp),
    )


def _save(host: ConnectorHost, loaded: _Loaded, plan: Plan) -> None:
    actor = Actor(loaded.actor_type, loaded.actor.key, dict(plan.erp))  # type: ignore[arg-type]
    try:
        result = host.save([actor])[0]
    except ConnectorError as exc:
        raise targets.erp_failure(loaded.target, exc, "the CRM values") from exc
    if not result.ok:
        error = ConnectorError.from_response(result.response, call="save")
        raise targets.erp_failure(loaded.target, error, "the CRM values") from None


def write_link(
    database: Database, target: targets.Target, link: LinkRow, plan: Plan, action: str
) -> None:
    """Link, CRM values and log rows in one transaction; a link made meanwhile is a 409."""
    log = [
        journal.log_row(action, link.actor_type, link.erp_key, target.kind, target.record_id),
        *(
            journal.log_row(
                direction,
                link.actor_type,
                link.erp_key,
                target.kind,
                target.record_id,
                crm_key,
                old,
                new,
            )
            for direction, crm_key, old, new in plan.log
        ),
    ]
    try:
        with database.session() as session:
            if plan.crm:
                codes = crmrows.ListCodes(session)
                values = crmrows.columns(target.kind, plan.crm, codes)
                crmrows.update_rows(session, target.kind, {target.record_id: values})
            links.insert_links(session, target.connection_id, [link])
            journal.write(session, target.connection_id, None, journal.Entries(log=log))
    except IntegrityError as exc:
        raise Conflict(
            f"{link.actor_type} {link.erp_key} or this {target.kind} was linked meanwhile; "
            "reload the ERP tab.",
            field="erp_key",
        ) from exc


def disconnect(link: targets.LinkTarget, actor_type: str) -> str:
    """Unlink the record from its actor (both stay, the log says so); returns the ERP key."""
    with link.database.session() as session:
        target = link.check(session, "connect")
        chosen = targets.actor_type_of(target, actor_type)
        live: Link | None = targets.live_links(session, target).get(chosen.value)
        if live is None:
            raise NotFound(
                f"This {link.kind} is not linked to a {chosen} of '{target.connection_name}'.",
                field="actor_type",
            )
        links.unlink(session, [live.id])
        entry = journal.log_row(
            DISCONNECTED, live.actor_type, live.erp_key, link.kind, link.record_id
        )
        journal.write(session, link.connection_id, None, journal.Entries(log=[entry]))
        return live.erp_key
