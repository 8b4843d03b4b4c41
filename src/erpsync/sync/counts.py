"""The counts of a sync run (R-SYNC-9): one set per direction that adds up.

ERP → CRM, per actor read from the ERP's change streams:
    read = created + updated + unchanged + deleted + failed
CRM → ERP, per linked actor of a CRM record read from the CRM's change positions:
    crm_read = saved + crm_unchanged + unlinked + crm_failed
Besides: `created_in_erp`, `review` and `reconciled` count the CRM → ERP creates of the
outbox; `conflicts` counts fields (a record with a conflict is also counted above);
`dead_letters` counts every record set aside in the run, of every pass.

A dry run counts what it would do.
"""

from __future__ import annotations

from collections.abc import Mapping

DESCRIPTIONS: dict[str, str] = {
    "read": "ERP → CRM: actors read from the ERP's change streams.",
    "created": "ERP → CRM: CRM records created.",
    "updated": "ERP → CRM: CRM records changed (a value, the company, a restored link).",
    "unchanged": "ERP → CRM: actors read with nothing to write in the CRM.",
    "deleted": "ERP → CRM: actors reported deleted in the ERP (R-SYNC-7).",
    "failed": "ERP → CRM: actors set aside as dead letters.",
    "crm_read": "CRM → ERP: linked actors of the CRM records changed since the last run.",
    "saved": "CRM → ERP: actors whose changed values the ERP saved.",
    "crm_unchanged": "CRM → ERP: read with nothing to send (echoes, values equal to the ERP's).",
    "unlinked": "CRM → ERP: links ended because the CRM record was deleted.",
    "crm_failed": "CRM → ERP: records set aside as dead letters.",
    "created_in_erp": "CRM → ERP creates: actors created in the ERP through the outbox.",
    "review": "CRM → ERP creates: outbox entries waiting for an administrator's review.",
    "reconciled": "CRM → ERP creates: unfinished creates found in the ERP and linked.",
    "conflicts": "Fields in conflict, both directions.",
    "dead_letters": "Records set aside in this run, every pass.",
}

#: The counts every run starts with (others appear when they happen).
START = (
    "read",
    "created",
    "updated",
    "unchanged",
    "crm_read",
    "saved",
    "conflicts",
    "dead_letters",
)

ERP_TO_CRM = ("created", "updated", "unchanged", "deleted", "failed")
CRM_TO_ERP = ("saved", "crm_unchanged", "unlinked", "crm_failed")


def dead_letter_key(stream: str) -> str | None:
    """The direction's count of a dead letter of `stream`, if the stream has one."""
    if stream.startswith("erp:"):
        return "failed"
    if stream.startswith("crm:"):
        return "crm_failed"
    return None


def adds_up(counts: Mapping[str, int]) -> bool:
    """Whether each direction's outcomes add up to what it read."""
    erp = sum(counts.get(key, 0) for key in ERP_TO_CRM)
    crm = sum(counts.get(key, 0) for key in CRM_TO_ERP)
    return counts.get("read", 0) == erp and counts.get("crm_read", 0) == crm


def describe() -> str:
    """The meaning of every count, one line each (API schema descriptions)."""
    return "\n".join(f"- `{key}`: {text}" for key, text in DESCRIPTIONS.items())
