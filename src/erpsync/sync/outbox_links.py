"""The two halves of an outbox create that touch data: linking the new actor to its
CRM record with a shadow (`link_created`), and finding an actor a crashed create may
have made in an ERP that cannot store idempotency keys (`find_created`). See
`sync.outbox` for the contract.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from erpsync.errors import ErpSyncError
from erpsync.mapping.transform import to_crm
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Actor, ActorType, Operator, Restriction, Value
from erpsync.sync import crmrows, journal, links
from erpsync.sync.links import LinkRow
from erpsync.sync.models import LINK_ACTIVE, OutboxEntry
from erpsync.sync.rules import TypeMapping

#: Field values shorter than this identify nothing (e.g. "AB"); longer ones are searched.
MIN_MATCH_LENGTH = 3


class Undecidable(ErpSyncError):
    """A crashed create cannot be settled automatically; the entry goes to review."""


def link_created(
    session: Session,
    entry: OutboxEntry,
    actor: Actor,
    tm: TypeMapping | None,
    run_id: int | None,
    codes: crmrows.ListCodes | None = None,
) -> int:
    """Link the CRM record to the created actor in `session`; returns the link id.

    The shadow holds the CRM's value of every mapped field, except where the ERP
    stored a different value of a `to_crm`/`both` field (a number it assigned, a
    default): that value is written into the CRM record and becomes the shadow. So the
    next sync finds nothing to send back and nothing missing (R-SEM-2)."""
    codes = codes or crmrows.ListCodes(session)
    row = crmrows.read(session, entry.crm_kind, [entry.crm_id], codes).get(entry.crm_id, {})
    shadow: dict[str, Any] = {}
    columns: dict[str, Any] = {}
    entries = journal.Entries()
    for rule in tm.fields if tm is not None else ():
        crm = row.get(rule.crm_key)
        shadow[rule.erp_key] = crm
        if not rule.to_crm or rule.erp_key not in actor.values:
            continue
        try:
            erp = to_crm(rule.rule, actor.values[rule.erp_key])
            if erp == crm:
                continue
            columns.update(crmrows.columns(entry.crm_kind, {rule.crm_key: erp}, codes))
        except ErpSyncError:
            continue  # a value the CRM cannot hold: the next sync reports it
        shadow[rule.erp_key] = erp
        entries.log.append(_log("to_crm", entry, actor.key, rule.crm_key, crm, erp))
    if columns:
        crmrows.update_rows(session, entry.crm_kind, {entry.crm_id: columns})
    link = LinkRow(
        entry.actor_type,
        actor.key,
        entry.crm_kind,
        entry.crm_id,
        LINK_ACTIVE,
        entry.parent_type,
        entry.parent_key,
        shadow,
    )
    links.insert_links(session, entry.connection_id, [link])
    entries.log.insert(0, _log("created_in_erp", entry, actor.key, None, None, None))
    journal.write(session, entry.connection_id, run_id, entries)
    assert link.id is not None
    return link.id


def _log(
    action: str, entry: OutboxEntry, erp_key: str, field: str | None, old: Any, new: Any
) -> dict[str, Any]:
    return journal.log_row(
        action, entry.actor_type, erp_key, entry.crm_kind, entry.crm_id, field, old, new
    )


def find_created(host: ConnectorHost, actor_type: ActorType, values: dict[str, Value]) -> Actor:
    """The one live actor whose searchable Text fields equal the values sent; raises
    `Undecidable` when there is none (the create may never have happened) or several."""
    searchable = set(host.searchable_fields(actor_type))
    restrictions = [
        Restriction(key, Operator.EQUALS, (value,))
        for key, value in sorted(values.items())
        if key in searchable and isinstance(value, str) and len(value.strip()) >= MIN_MATCH_LENGTH
    ]
    if not restrictions:
        raise Undecidable(
            "The create may or may not have reached the ERP, and none of its values can "
            "identify the actor; look it up in the ERP and link it, retry or discard."
        )
    found = host.search_advanced(actor_type, restrictions, None, 3)
    named = ", ".join(r.field for r in restrictions)
    if len(found) == 1:
        return found[0]
    if not found:
        raise Undecidable(
            f"No {actor_type} in the ERP has these values ({named}); the create probably "
            "never reached it. Retry it, or discard it."
        )
    keys = ", ".join(actor.key for actor in found)
    raise Undecidable(
        f"Several {actor_type} actors in the ERP match ({named}): {keys}; link the right "
        "one by hand, or discard this entry."
    )
