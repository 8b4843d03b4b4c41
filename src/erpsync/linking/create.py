"""Create in ERP (R-TAB-3, R-MAP-4, R-SEM-5): a new actor from an unlinked CRM record.

The values come from the field mappings, in rank order:

- `set` default: applied, never shown, cannot be overridden;
- `ask` default: shown with the default, the user may change it;
- `mandatory` default: shown, the user must give a value (proposed from the CRM
  record when the field is mapped to one);
- otherwise a synced field takes the CRM record's value through the transform module.

Every value is checked against its ERP field before anything is written; an ERP field
the ERP marks Mandatory left empty is named. The create itself goes through the sync
outbox (`sync.outbox.create_in_erp`): its entry is committed before the ERP call, the
link with its shadow is written in one transaction after it, and a refusal leaves no
link and no actor — the connector's explanation is shown. A person goes under the ERP
actor its company is linked to (which must exist); a project under its company's
Customer when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from erpsync.connections.hosts import Endpoint
from erpsync.errors import Conflict, ValidationError
from erpsync.linking import fields as linking_fields
from erpsync.linking import target as targets
from erpsync.linking.fields import Mapped, TypeFields
from erpsync.linking.schemas import CreateField, CreateFormRead, CreateIn, LinkRead
from erpsync.linking.values import shown
from erpsync.mapping.crm_fields import COMPANY, PERSON
from erpsync.mapping.transform import TransformError, to_erp, value_from_json
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import ActorRef, ActorType, FieldType, Value
from erpsync.sync import crmrows
from erpsync.sync.models import LINK_ACTIVE, Link
from erpsync.sync.outbox import CreateOrder, create_in_erp

ASKED = ("ask", "mandatory")
#: The company actor types a person or project may go under, in order of preference.
PARENTS = {
    PERSON: (ActorType.CUSTOMER, ActorType.SUPPLIER, ActorType.PARTNER),
    "project": (ActorType.CUSTOMER,),
}


@dataclass
class _Ready:
    target: targets.Target
    actor_type: ActorType
    config: Endpoint
    crm: crmrows.CrmRow
    parent: ActorRef | None


def _parent(session: Session, target: targets.Target, crm: crmrows.CrmRow) -> ActorRef | None:
    if target.kind == COMPANY:
        return None
    company_id = crm.get("company_id")
    found: dict[str, str] = {}
    if company_id is not None:
        rows = session.execute(
            select(Link.actor_type, Link.erp_key).where(
                Link.connection_id == target.connection_id,
                Link.crm_kind == COMPANY,
                Link.crm_id == company_id,
                Link.state == LINK_ACTIVE,
            )
        ).all()
        found = {actor_type: erp_key for actor_type, erp_key in rows}
    for actor_type in PARENTS[target.kind]:
        if actor_type.value in found:
            return ActorRef(actor_type, found[actor_type.value])
    if target.kind == PERSON:
        raise Conflict(
            f"This person's company is not linked to the ERP of '{target.connection_name}'; "
            "connect or create the company in the ERP first.",
            field="company_id",
        )
    return None


def _ready(link: targets.LinkTarget, actor_type_name: str) -> _Ready:
    with link.database.read_session() as session:
        target = link.check(session, "create_in_erp")
        actor_type = targets.unlinked_type(session, target, actor_type_name)
        codes = crmrows.ListCodes(session)
        crm = crmrows.read(session, link.kind, [link.record_id], codes)[link.record_id]
        parent = _parent(session, target, crm)
        config = targets.config_of(session, link.keys, target)
    return _Ready(target, actor_type, config, crm, parent)


def _from_crm(tf: TypeFields, m: Mapped, crm: crmrows.CrmRow) -> Value:
    rule = tf.rule(m.erp.key)
    if rule is None or m.erp.read_only:
        return None
    try:
        return to_erp(rule.rule, crm.get(rule.crm_key))
    except TransformError as exc:
        raise ValidationError(
            f"values.{m.erp.key}: the CRM value cannot go to the ERP: {exc.message}",
            field=f"values.{m.erp.key}",
        ) from None


def _options(host: ConnectorHost, m: Mapped) -> list[tuple[str, str]]:
    if m.erp.type is not FieldType.LIST or not m.erp.list_name:
        return []
    return [(i.id, i.name) for i in host.list_items(m.erp.list_name) if not i.deleted]


def _form(host: ConnectorHost, tf: TypeFields, crm: crmrows.CrmRow) -> list[CreateField]:
    out: list[CreateField] = []
    for m in tf.mapped:
        if m.default_mode == "set" or m.erp.read_only:
            continue
        if m.default_mode in ASKED:
            value = m.default() if m.default_mode == "ask" else _proposed(tf, m, crm)
            mode = m.default_mode
        elif tf.rule(m.erp.key) is not None:
            value, mode = _from_crm(tf, m, crm), "from_crm"
        else:
            continue
        out.append(
            CreateField(
                erp_field=m.erp.key,
                label=m.erp.display_name,
                type=m.erp.type.value,
                mode=mode,
                value=shown(value),
                required=m.default_mode == "mandatory" or m.erp.mandatory,
                options=_options(host, m),  # also names a copied list value
            )
        )
    return out


def _proposed(tf: TypeFields, m: Mapped, crm: crmrows.CrmRow) -> Value:
    try:
        return _from_crm(tf, m, crm)
    except ValidationError:
        return None


def create_form(link: targets.LinkTarget, actor_type: str) -> CreateFormRead:
    ready = _ready(link, actor_type)
    with targets.opened(ready.target, ready.config) as host:
        try:
            with link.database.read_session() as session:
                tf = linking_fields.load(session, host, link.connection_id, ready.actor_type)
            fields = _form(host, tf, ready.crm)
        except ConnectorError as exc:
            raise targets.erp_failure(ready.target, exc, "the form") from exc
    parent = f"{ready.parent.type} {ready.parent.key}" if ready.parent else None
    return CreateFormRead(actor_type=ready.actor_type.value, parent=parent, fields=fields)


def values_for(tf: TypeFields, crm: crmrows.CrmRow, given: dict[str, Any]) -> dict[str, Value]:
    """The ERP values to create with; bad or missing input names its field (422)."""
    asked = {m.erp.key: m for m in tf.mapped if m.default_mode in ASKED}
    extra = sorted(set(given) - set(asked))
    if extra:
        raise ValidationError(
            f"values.{extra[0]}: not a field asked for on Create in ERP (asked: "
            f"{', '.join(sorted(asked)) or 'none'}).",
            field=f"values.{extra[0]}",
        )
    values: dict[str, Value] = {}
    for m in tf.mapped:
        key = m.erp.key
        if m.default_mode == "set":
            values[key] = m.default()
        elif m.default_mode in ASKED:
            values[key] = (
                _given(m, given)
                if key in given
                else (m.default() if m.default_mode == "ask" else None)
            )
            if m.default_mode == "mandatory" and values[key] is None:
                raise ValidationError(
                    f"values.{key}: {m.erp.display_name} is required.", field=f"values.{key}"
                )
        elif tf.rule(key) is not None and not m.erp.read_only:
            values[key] = _from_crm(tf, m, crm)
    for field in tf.erp.values():
        if field.mandatory and not field.read_only and values.get(field.key) is None:
            raise ValidationError(
                f"values.{field.key}: the ERP needs a value for {field.display_name}; give "
                "one on the CRM record or ask an administrator to add a default.",
                field=f"values.{field.key}",
            )
    return {key: value for key, value in values.items() if value is not None}


def _given(m: Mapped, given: dict[str, Any]) -> Value:
    raw = given[m.erp.key]
    if isinstance(raw, str) and not raw.strip():
        return None
    try:
        return value_from_json(m.erp, raw.strip() if isinstance(raw, str) else raw)
    except TransformError as exc:
        why = exc.message.removeprefix(f"{m.erp.key}: ")
        raise ValidationError(f"values.{m.erp.key}: {why}", field=f"values.{m.erp.key}") from None


def create(link: targets.LinkTarget, data: CreateIn) -> LinkRead:
    ready = _ready(link, data.actor_type)
    with targets.opened(ready.target, ready.config) as host:
        try:
            with link.database.read_session() as session:
                tf = linking_fields.load(session, host, link.connection_id, ready.actor_type)
            values = values_for(tf, ready.crm, data.values)
            order = CreateOrder(
                link.connection_id, ready.actor_type, link.kind, link.record_id, values,
                ready.parent,
            )  # fmt: skip
            created = create_in_erp(link.database, host, order)
        except ConnectorError as exc:
            raise targets.erp_failure(ready.target, exc, "the new record") from exc
    return LinkRead(
        connection_id=link.connection_id,
        actor_type=ready.actor_type.value,
        erp_key=created.erp_key,
        crm_kind=link.kind,
        crm_id=link.record_id,
        state=LINK_ACTIVE,
        erp_changed=sorted(values),
    )
