"""How the pages name a sync run's states and counts (R-SYNC-9).

The counts are stored under keys (`sync/counts.py`); the pages show each by an English
label that the catalogue translates (`locales/sv/sync_runs.json`), in the labels' order,
both in the runs table and in the texts `static/sync-runs.js` uses while a run is
followed live.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

RUN_STATES = ("queued", "running", "succeeded", "failed")

#: Count key → English label, in the order of `sync/counts.py`.
COUNT_LABELS: dict[str, str] = {
    "read": "read from the ERP",
    "created": "created",
    "updated": "updated",
    "unchanged": "left unchanged",
    "deleted": "removed in the ERP",
    "failed": "dead letters from the ERP",
    "crm_read": "read from the CRM",
    "saved": "saved in the ERP",
    "crm_unchanged": "nothing to send",
    "unlinked": "unlinked",
    "crm_failed": "dead letters from the CRM",
    "created_in_erp": "created in the ERP",
    "review": "to review",
    "reconciled": "reconciled",
    "conflicts": "conflicts",
    "dead_letters": "dead letters",
}

Translate = Callable[..., str]


def shown_counts(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """The counts that are not zero, each direction's together (the labels' order, then
    any count without a label)."""
    order = {key: rank for rank, key in enumerate(COUNT_LABELS)}
    found = [(key, value) for key, value in counts.items() if value]
    return sorted(found, key=lambda item: order.get(item[0], len(order)))


def count_label(key: str, translate: Translate) -> str:
    """The translated name of one count; a key without a label is shown as it is."""
    return translate(COUNT_LABELS.get(key, key))


def run_texts(translate: Translate) -> dict[str, dict[str, str]]:
    """The translated names of run states and counts, for the page's script."""
    return {
        "states": {state: translate(state) for state in RUN_STATES},
        "counts": {key: translate(label) for key, label in COUNT_LABELS.items()},
    }
