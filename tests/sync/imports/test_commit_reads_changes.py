"""The commit's re-check reads only what changed in the ERP since the preview (R-SEM-10,
R-IMP-1): with a `cursor` connector the change stream from the preview's cursor gives
the changed actors (a repeat with the values the preview read is no change); every
other row is imported from the preview's stored read, re-checked against the CRM. A
`snapshot` connector and a changed field mapping read every actor again by key, as
before — against the demo ERP on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete

from erpsync.connections.models import Connection
from erpsync.crm.models import Company
from erpsync.mapping.models import FieldMapping
from erpsync.sdk import ActorType
from erpsync.sdk.model import ChangeTracking
from erpsync.sync.imports.write import VALUES_CHANGED
from tests.sync.imports.conftest import ImportEnv

CUSTOMERS = 12  # in the fixture's demo ERP: numbers 10001 … 10012


def _watch_reads(imp: ImportEnv, snapshot: bool = False) -> list[str]:
    """The keys the jobs read from the ERP by key (get_actors), in order."""
    asked: list[str] = []
    real = imp.sync.host

    def host(key: str, timeout: float) -> Any:
        made = real(key, timeout)
        read = made.get_actors
        if snapshot:
            made.connector.change_tracking = ChangeTracking.SNAPSHOT  # type: ignore[misc]

        def get_actors(actor_type: ActorType, keys: Sequence[str], fields: Any = None) -> Any:
            asked.extend(keys)
            return read(actor_type, keys, fields)

        made.get_actors = get_actors  # type: ignore[method-assign]
        return made

    imp.sync.host = host  # type: ignore[method-assign]
    return asked


def _phone(imp: ImportEnv, key: str) -> str | None:
    with imp.database.read_session() as session:
        company = session.get(Company, imp.links()[key].crm_id)
        assert company is not None
        return company.phone


def test_only_actors_changed_since_the_preview_are_read_again(imp: ImportEnv) -> None:
    asked = _watch_reads(imp)
    with imp.sync.erp() as erp:
        before = erp.show(ActorType.CUSTOMER, "10002")
    job = imp.preview()
    assert job.counts["new"] == CUSTOMERS
    with imp.sync.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10005", {"phone": "+46 8 555"})
        erp.delete(ActorType.CUSTOMER, "10009")
    done = imp.commit(job.id)
    # the change stream gave the changed and the deleted actor: none was read by key
    assert asked == []
    rows = imp.rows(job.id)
    assert rows["10005"].outcome == "created" and rows["10005"].note == VALUES_CHANGED
    assert _phone(imp, "10005") == "+46 8 555"
    assert rows["10009"].outcome == "changed"
    assert rows["10009"].note == "was new, now no longer in the ERP"
    # an unchanged actor: imported from the preview with the ERP's values, no note
    assert rows["10002"].outcome == "created" and rows["10002"].note is None
    assert before is not None and _phone(imp, "10002") == before.values["phone"]
    assert done.outcomes == {"created": CUSTOMERS - 1, "changed": 1}
    # the shadows of rows imported from the preview leave the next sync nothing to do
    with imp.database.session() as session:
        session.get(Connection, imp.cid).sync_enabled = True  # type: ignore[union-attr]
    result = imp.sync.run()
    assert result.state == "succeeded" and result.counts["created"] == 0
    assert imp.sync.saves == []


def test_a_crm_record_made_since_the_preview_still_turns_a_stored_row_changed(
    imp: ImportEnv,
) -> None:
    asked = _watch_reads(imp)
    job = imp.preview()
    late = imp.company(name="Made after the preview", number="10003")
    done = imp.commit(job.id)
    assert asked == []  # nothing changed in the ERP: no actor read again
    row = imp.rows(job.id)["10003"]
    assert row.outcome == "changed"
    assert row.note == f"was new, now matched to company {late} by number"
    assert done.outcomes == {"created": CUSTOMERS - 1, "changed": 1}


def test_a_snapshot_connector_reads_every_actor_again(imp: ImportEnv) -> None:
    asked = _watch_reads(imp, snapshot=True)
    job = imp.preview()
    with imp.sync.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10005", {"phone": "+46 8 556"})
    done = imp.commit(job.id)
    assert len(asked) == CUSTOMERS
    assert imp.rows(job.id)["10005"].note == VALUES_CHANGED
    assert _phone(imp, "10005") == "+46 8 556"
    assert done.outcomes == {"created": CUSTOMERS}


def test_a_field_mapping_changed_since_the_preview_reads_every_actor_again(
    imp: ImportEnv,
) -> None:
    asked = _watch_reads(imp)
    job = imp.preview()
    with imp.database.session() as session:
        session.execute(
            delete(FieldMapping).where(
                FieldMapping.connection_id == imp.cid, FieldMapping.erp_field == "web"
            )
        )
    done = imp.commit(job.id)
    assert len(asked) == CUSTOMERS
    assert done.outcomes == {"created": CUSTOMERS}


def test_repeats_of_an_overlap_window_are_no_change(imp: ImportEnv) -> None:
    """A connector whose stream after the preview's cursor re-reads every actor (an
    overlap window as wide as the data): only the one changed since counts as changed."""
    asked = _watch_reads(imp)
    real = imp.sync.host

    def host(key: str, timeout: float) -> Any:
        made = real(key, timeout)
        read = made.changes

        def changes(actor_type: ActorType, cursor: str | None, fields: Any = None) -> Any:
            return read(actor_type, None, fields)  # from the start, whatever the cursor

        made.changes = changes  # type: ignore[method-assign]
        return made

    imp.sync.host = host  # type: ignore[method-assign]
    job = imp.preview()
    with imp.sync.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10007", {"phone": "+46 8 557"})
    done = imp.commit(job.id)
    assert asked == []
    notes = {key: row.note for key, row in imp.rows(job.id).items() if row.note}
    assert notes == {"10007": VALUES_CHANGED}
    assert _phone(imp, "10007") == "+46 8 557"
    assert done.outcomes == {"created": CUSTOMERS}
