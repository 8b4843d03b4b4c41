"""What the preview keeps so the commit need not read every actor again (R-SEM-10, R-IMP-1).

The preview stores each actor as it read it — the converted value of every mapped field
by ERP field key, and its parent — in the row's `erp_read`, and, for a connector with
`cursor` change tracking, the cursor its read of each actor type ended at (`Cursor`,
in the job's `cursors`, with a signature of the field mapping it converted with).

The commit's re-check then reads the change stream from that cursor once, at its
start (`changed_since`): the keys it yields (overlap windows included, deleted and
refused records too) are read again by key and classified afresh, as every actor was
before; every other row is classified from what the preview stored, against the CRM
as it is now (a record made or linked since still turns the row into `changed`).
A `snapshot` connector, a field mapping changed since the preview, a row without a
stored read (an actor the preview met twice) or a change stream longer than
`MAX_CHANGED` keys fall back to reading the actors again, as before.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Actor, ActorType, ChangeTracking
from erpsync.sync.imports.classify import Verdict, mapped_fields
from erpsync.sync.imports.models import NEW
from erpsync.sync.rules import TypeMapping

if TYPE_CHECKING:
    from erpsync.sync.imports.write import Row

#: more changed actors than this: the commit reads every actor again (memory stays flat)
MAX_CHANGED = 200_000


def tracks_cursor(host: ConnectorHost) -> bool:
    tracking = getattr(host.connector, "change_tracking", ChangeTracking.CURSOR)
    return bool(tracking == ChangeTracking.CURSOR)


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


def decode(tm: TypeMapping, key: str, fingerprint: str | None, stored: str) -> Verdict:
    """The verdict of a stored read before classification (as `Classifier` converts)."""
    shadow, parent, parent_key = json.loads(stored)
    actor = Actor(tm.actor_type, key, {}, ActorType(parent) if parent else None, parent_key)
    verdict = Verdict(key, NEW, actor=actor, fingerprint=fingerprint, shadow=shadow)
    for rule in mapped_fields(tm):
        if rule.erp_key in shadow:
            value = shadow[rule.erp_key]
            verdict.erp_values[rule.crm_key] = value
            if rule.to_crm:
                verdict.values[rule.crm_key] = value
    return verdict


@dataclass(slots=True)
class Changed:
    """Keys changed since the preview, per actor type; None: read every actor again."""

    keys: dict[str, set[str] | None]

    def use_stored(self, row: Row) -> bool:
        """Whether the row is re-checked from the preview's read, not read again."""
        found = self.keys.get(row.actor_type)
        return row.erp_read is not None and found is not None and row.erp_key not in found


def changed_since(
    host: ConnectorHost, mappings: list[TypeMapping], cursors: dict[str, Any] | None
) -> Changed:
    """Read each actor type's change stream from the preview's cursor (keys only kept)."""
    found: dict[str, set[str] | None] = {}
    for tm in mappings:
        name = tm.actor_type.value
        entry = (cursors or {}).get(name)
        found[name] = None
        if not tracks_cursor(host) or not entry or entry.get("fields") != signature(tm):
            continue
        keys = _stream_keys(host, tm, str(entry["cursor"]))
        found[name] = keys
    return Changed(found)


def _stream_keys(host: ConnectorHost, tm: TypeMapping, cursor: str) -> set[str] | None:
    keys: set[str] = set()
    fields = [rule.erp_key for rule in mapped_fields(tm)]
    for batch in host.changes(tm.actor_type, cursor, fields):
        keys.update(actor.key for actor in batch.actors)
        for error in batch.rejected:  # a refused record: read it again by key
            key = error.actor_key if isinstance(error, ConnectorError) else None
            if key is None:
                return None
            keys.add(key)
        if len(keys) > MAX_CHANGED:
            return None
    return keys
