"""What the preview keeps so the commit need not read every actor again (R-SEM-10, R-IMP-1).

The preview stores each actor as it read it — the converted value of every mapped field
by ERP field key, and its parent — in the row's `erp_read`, with a fingerprint of the
values the ERP gave (`classify.fingerprint`) and, for a connector with `cursor` change
tracking, the cursor its read of each actor type ended at (in the job's `cursors`, with
a signature of the field mapping it converted with).

The commit's re-check reads the change stream from that cursor once, at its start
(`changed_since`). An actor it yields whose fingerprint differs from the stored one
(or that is deleted) is kept with its new values and classified afresh, as every actor
was before; the repeats of an overlap window with the values the preview read are not.
Every other row is classified from what the preview stored, against the CRM as it is
now (a record made or linked since still turns the row into `changed`). A record the
stream refused, and a row without a stored read (an actor the preview met twice), are
read again by key. A `snapshot` connector, a field mapping changed since the preview,
or more than `MAX_CHANGED` changed actors make the commit read every actor again by
key, as before.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, select

from erpsync.db import Database, bulk
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Actor, ActorType, ChangeTracking
from erpsync.sync.imports.classify import Verdict, fingerprint, mapped_fields
from erpsync.sync.imports.models import NEW, ImportRow
from erpsync.sync.rules import TypeMapping

if TYPE_CHECKING:
    from erpsync.sync.imports.write import Row

ROWS: Table = ImportRow.__table__  # type: ignore[assignment]
#: more changed actors than this: the commit reads every actor again (memory stays flat)
MAX_CHANGED = 10_000


def tracks_cursor(host: ConnectorHost) -> bool:
    return host.change_tracking is ChangeTracking.CURSOR


def signature(tm: TypeMapping) -> str:
    """The field mapping the stored values were converted with."""
    fields = [(f.erp_key, f.crm_key, f.to_crm, repr(f.rule)) for f in mapped_fields(tm)]
    text = json.dumps(fields, default=str)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


def cursor_entry(tm: TypeMapping, cursor: str) -> dict[str, str]:
    return {"cursor": cursor, "fields": signature(tm)}


def encode(verdict: Verdict) -> str | None:
    """A row's `erp_read`: converted values by ERP key, parent type and key."""
    actor = verdict.actor
    if actor is None:
        return None
    parent = actor.parent_type.value if actor.parent_type is not None else None
    return json.dumps([verdict.shadow, parent, actor.parent_key], separators=(",", ":"))


class Decoder:
    """Turns stored reads of one actor type back into verdicts, as `Classifier` converts."""

    def __init__(self, tm: TypeMapping) -> None:
        self.actor_type = tm.actor_type
        #: (ERP key, CRM key, written to the CRM), looked up once, not per row
        self.fields = [(f.erp_key, f.crm_key, f.to_crm) for f in mapped_fields(tm)]

    def verdict(self, key: str, fingerprint: str | None, stored: str) -> Verdict:
        """The verdict of a stored read before classification."""
        shadow, parent, parent_key = json.loads(stored)
        kind = ActorType(parent) if parent else None
        actor = Actor(self.actor_type, key, {}, kind, parent_key)
        verdict = Verdict(key, NEW, actor=actor, fingerprint=fingerprint, shadow=shadow)
        erp_values, values = verdict.erp_values, verdict.values
        for erp_key, crm_key, to_crm in self.fields:
            if erp_key in shadow:
                value = erp_values[crm_key] = shadow[erp_key]
                if to_crm:
                    values[crm_key] = value
        return verdict


@dataclass(slots=True)
class Changed:
    """Per actor type: the actors changed since the preview (key → actor as the ERP has
    it now, deleted ones included) and the keys to read again; `every` lists the types
    whose actors are all read again."""

    actors: dict[str, dict[str, Actor]] = field(default_factory=dict)
    reread: dict[str, set[str]] = field(default_factory=dict)
    every: set[str] = field(default_factory=set)

    def use_stored(self, row: Row) -> bool:
        """Whether the row is re-checked from the preview's read, not read again."""
        name, key = row.actor_type, row.erp_key
        return (
            row.erp_read is not None
            and name not in self.every
            and key not in self.actors.get(name, {})
            and key not in self.reread.get(name, set())
        )

    def actor(self, row: Row) -> Actor | None:
        """The actor the change stream gave for the row (None: read it by key)."""
        if row.actor_type in self.every:
            return None
        return self.actors.get(row.actor_type, {}).get(row.erp_key)


def changed_since(
    database: Database,
    job_id: int,
    host: ConnectorHost,
    mappings: list[TypeMapping],
    cursors: dict[str, Any] | None,
) -> Changed:
    """Read each actor type's change stream from the preview's cursor."""
    found = Changed()
    for tm in mappings:
        name = tm.actor_type.value
        entry = (cursors or {}).get(name)
        if not tracks_cursor(host) or not entry or entry.get("fields") != signature(tm):
            found.every.add(name)
        elif not _stream(database, job_id, host, tm, str(entry["cursor"]), found):
            found.every.add(name)
            found.actors.pop(name, None)
    return found


def _stream(
    database: Database,
    job_id: int,
    host: ConnectorHost,
    tm: TypeMapping,
    cursor: str,
    found: Changed,
) -> bool:
    """Collect the changed actors of one type; False when that is not possible."""
    name = tm.actor_type.value
    actors = found.actors.setdefault(name, {})
    reread = found.reread.setdefault(name, set())
    fields = [rule.erp_key for rule in mapped_fields(tm)]
    for batch in host.changes(tm.actor_type, cursor, fields):
        read = {actor.key: actor for actor in batch.actors}
        stored = _fingerprints(database, job_id, name, list(read))
        for key, actor in read.items():
            if key in stored and (actor.deleted or fingerprint(actor) != stored[key]):
                actors[key] = actor
        for error in batch.rejected:  # a refused record: read it again by key
            refused = error.actor_key if isinstance(error, ConnectorError) else None
            if refused is None:
                return False
            reread.add(refused)
        if len(actors) + len(reread) > MAX_CHANGED:
            return False
    return True


def _fingerprints(database: Database, job_id: int, name: str, keys: list[str]) -> dict[str, Any]:
    """The stored fingerprints of the job's rows of these actors."""
    if not keys:
        return {}
    with database.read_session() as session:
        rows = session.execute(
            select(ROWS.c.erp_key, ROWS.c.fingerprint).where(
                ROWS.c.job_id == job_id,
                ROWS.c.actor_type == name,
                bulk.among(session, ROWS.c.erp_key, keys),
            )
        )
        return {key: value for key, value in rows}
