"""What an import leaves for the next sync to write to the ERP (R-SEM-2, R-IMP-2).

An import writes only the CRM. For a matched record the CRM may keep values that differ
from the ERP's (`merge` keeps every CRM value that is not empty, and no action writes a
`to_erp`-only field into the CRM). The rule, one for the preview, the commit and the
engine:

- the link's shadow holds the ERP's value of every field the import read, so where the
  CRM, after the import, holds another value that is not empty on a field mapped towards
  the ERP (`both`, `to_erp`), the first sync sees a CRM change and writes the CRM value
  to the ERP — deliberately, since the preview listed it per record and in its counts;
- an empty CRM value never erases the ERP's: the shadow takes the CRM's (empty) value
  there, so nothing is sent;
- a field mapped `to_crm` only is never sent: where `merge` kept the CRM's value, it
  stays until the ERP changes that field;
- a record the import creates holds the ERP's values, so nothing is sent for it.

The commit gives a record with such fields a new change position, so the next sync reads
it even when the connection synced before and its CRM position is already past it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from erpsync.mapping.transform import CrmValue
from erpsync.sync.imports.classify import Verdict
from erpsync.sync.rules import TypeMapping

EMPTY = (None, "")


def changes(action: str, values: dict[str, CrmValue], record: dict[str, Any]) -> dict[str, Any]:
    """The CRM fields a matched record takes from the ERP: `merge` fills the empty ones,
    `replace` (and `add`, which creates) overwrites every one that differs."""
    merge = action == "merge"
    return {
        key: value
        for key, value in values.items()
        if (record.get(key) in EMPTY and value not in EMPTY)
        or (not merge and record.get(key) != value)
    }


def _shown(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value) if not isinstance(value, Decimal) else format(value, "f")


def erp_writes(tm: TypeMapping, verdict: Verdict, after: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields of a matched record the next sync writes to the ERP: mapped towards the
    ERP, read from it, and holding another, non-empty value in the CRM after the import."""
    found: list[dict[str, Any]] = []
    for rule in tm.fields:
        if not rule.to_erp or rule.erp_key not in verdict.shadow:
            continue
        crm, erp = after.get(rule.crm_key), verdict.shadow[rule.erp_key]
        if crm in EMPTY or crm == erp:
            continue
        found.append(
            {
                "field": rule.crm_key,
                "erp_field": rule.erp_key,
                "crm": _shown(crm),
                "erp": _shown(erp),
            }
        )
    return found


def shadow(
    tm: TypeMapping, verdict: Verdict, after: dict[str, Any], matched: bool
) -> dict[str, CrmValue]:
    """The link's shadow: the ERP's value of every field the import read (so a CRM value
    kept by the import is a CRM change), the CRM's where that would erase the ERP's
    value or where the ERP's could not be read, and the CRM's of a created record's
    `to_erp`-only field (nothing to send)."""
    found: dict[str, CrmValue] = {}
    for rule in tm.fields:
        crm = after.get(rule.crm_key)
        read = rule.erp_key in verdict.shadow
        if rule.to_crm or (matched and read and crm not in EMPTY):
            found[rule.erp_key] = verdict.shadow.get(rule.erp_key)
        else:
            found[rule.erp_key] = crm
    return found
