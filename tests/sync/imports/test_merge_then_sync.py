"""A `merge` import and the first sync (R-SEM-2, R-IMP-2, R-IMP-3): the preview announces,
per record and in its counts, the CRM values the next sync writes to the ERP (fields
mapped `both` or `to_erp` where the CRM keeps another, non-empty value); one sync run
afterwards writes exactly those and nothing else — also on a connection that synced
before, whose CRM position is already past the matched records."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from erpsync.connections.models import Connection
from erpsync.crm.models import Company
from erpsync.db import Database
from erpsync.jobs.registry import JobEnv, keys_of
from erpsync.jobs.runners import InlineRunner
from erpsync.sdk import ActorType
from erpsync.settings import Settings
from erpsync.sync import journal
from erpsync.sync.crm_to_erp import stream_name
from tests.sync.imports.conftest import ImportEnv

ERP_10001 = {"name": "Nordisk Verktyg AB", "phone": "+46 93 488 36", "zip": "415 02"}


def _erp(imp: ImportEnv) -> dict[str, dict[str, Any]]:
    with imp.sync.erp() as erp:
        return {
            key: dict(erp.show(ActorType.CUSTOMER, key).values)  # type: ignore[union-attr]
            for key in ("10001", "10002", "10003", "10004")
        }


@pytest.mark.parametrize("synced_before", [False, True])
def test_the_first_sync_writes_to_the_erp_what_the_preview_announced(
    imp: ImportEnv, synced_before: bool
) -> None:
    imp.sync.map("Customer", [("zip", "zip", "to_erp")])
    before = _erp(imp)
    # Every CRM field filled: the merge changes nothing in this record, yet its name,
    # phone (`both`) and zip (`to_erp`) differ from the ERP's and go there; its city
    # (`to_crm`) stays as it is and is not sent.
    kept = imp.company(name="Nordisk (CRM)", number="10001", phone="+46 1 CRM",
                       email="crm@nordisk.se", city="Crmstad", zip="111 11",
                       org_no="240891-2033", web="https://nordisk.example")  # fmt: skip
    imp.company(name=before["10002"]["name"], number="10002")  # merge fills; then equal
    imp.company(name="Other name", number="10003", phone="")  # empty never erases the ERP's
    if synced_before:  # the connection's CRM position is past every record above
        with imp.database.session() as session:
            last = session.scalar(select(func.max(Company.change_pos)))
            journal.set_cursor(session, imp.cid, stream_name("company"), str(last))
    assert before["10001"]["email"] != "crm@nordisk.se"

    job = imp.preview(rules=["number"], action="merge")

    assert (job.counts["matched"], job.counts["to_erp_records"]) == (3, 2)
    assert job.counts["to_erp_fields"] == 5
    rows = imp.rows(job.id)
    announced = {
        key: {w["erp_field"]: w["crm"] for w in rows[key].erp_writes or []} for key in rows
    }
    assert announced["10001"] == {"name": "Nordisk (CRM)", "phone": "+46 1 CRM",
                                  "email": "crm@nordisk.se", "zip": "111 11"}  # fmt: skip
    assert {w["erp_field"]: w["erp"] for w in rows["10001"].erp_writes or []} == {
        **ERP_10001,
        "email": before["10001"]["email"],
    }
    assert announced["10002"] == {} and announced["10004"] == {}
    assert announced["10003"] == {"name": "Other name"}
    assert job.counts["to_erp_fields"] == sum(len(a) for a in announced.values())

    done = imp.commit(job.id)
    assert done.outcomes == {"created": 9, "merged": 3}
    merged = imp.rows(job.id, outcome="merged")
    note = (merged["10001"].note or "").split("the CRM's values go to the ERP on the next sync: ")
    assert set(note[1].split(", ")) == {"name", "phone", "email", "zip"}
    assert merged["10002"].note is None and merged["10001"].outcome_id == kept

    with imp.database.session() as session:
        session.get(Connection, imp.cid).sync_enabled = True  # type: ignore[union-attr]
    result = imp.sync.run()
    assert result.state == "succeeded", result.error

    after = _erp(imp)
    sent = {a.key: dict(a.values) for a in imp.sync.saves}
    assert sent == {key: values for key, values in announced.items() if values}
    for key in before:
        expected = {**before[key], **announced.get(key, {})}
        changed = {k for k in expected if after[key][k] != expected[k] and k != "modified_at"}
        assert not changed, (key, changed)
    assert imp.sync.company("10001").city == "Crmstad"  # `to_crm` only: kept, not sent
    assert imp.sync.company("10003").phone == before["10003"]["phone"]  # filled by merge
    second = imp.sync.run()
    assert second.counts.get("saved", 0) == 0 and second.counts.get("updated", 0) == 0


def test_the_page_and_the_api_list_what_goes_to_the_erp(
    imp: ImportEnv, admin_client: TestClient, database: Database, settings: Settings
) -> None:
    admin_client.app.state.job_runner = InlineRunner(JobEnv(database, keys_of(settings), settings))  # type: ignore[attr-defined]
    imp.company(name="Nordisk (CRM)", number="10001", phone="+46 1 CRM")
    body = {"actor_types": ["Customer"], "rules": ["number"]}
    started = admin_client.post(f"/api/v1/connections/{imp.cid}/imports", json=body)
    job_id = started.json()["id"]
    job = admin_client.get(f"/api/v1/imports/{job_id}").json()
    assert (job["counts"]["to_erp_records"], job["counts"]["to_erp_fields"]) == (1, 2)
    listed = admin_client.get(f"/api/v1/imports/{job_id}/rows?to_erp=true").json()
    [row] = listed["items"]
    assert (listed["total"], row["erp_key"]) == (1, "10001")
    assert {w["field"]: (w["erp"], w["crm"]) for w in row["erp_writes"]} == {
        "name": ("Nordisk Verktyg AB", "Nordisk (CRM)"),
        "phone": ("+46 93 488 36", "+46 1 CRM"),
    }
    assert admin_client.get(f"/api/v1/imports/{job_id}/rows?to_erp=false").json()["total"] == 11

    page = admin_client.get(f"/sync/imports/{job_id}").text
    assert 'id="import-to-erp-fields">2<' in page and 'id="import-to-erp-records">1<' in page
    assert "To the ERP: phone “+46 93 488 36” → “+46 1 CRM”" in page

    deselect = {"rows": [{"id": row["id"], "selected": False}]}
    left_out = admin_client.patch(f"/api/v1/imports/{job_id}/rows", json=deselect)
    assert left_out.json()["counts"]["to_erp_fields"] == 0


def test_replace_sends_only_the_crm_values_of_fields_it_does_not_write(imp: ImportEnv) -> None:
    """`replace` gives the CRM the ERP's values of every field mapped to the CRM, so only a
    `to_erp`-only field the CRM holds differently goes to the ERP."""
    imp.sync.map("Customer", [("zip", "zip", "to_erp")])
    imp.company(name="Nordisk (CRM)", number="10001", phone="+46 1 CRM", zip="111 11")
    imp.company(name="Other name", number="10003")  # no zip: the ERP's stays
    job = imp.preview(rules=["number"], action="replace")
    assert (job.counts["to_erp_records"], job.counts["to_erp_fields"]) == (1, 1)
    writes = imp.rows(job.id)["10001"].erp_writes or []
    assert [(w["field"], w["crm"]) for w in writes] == [("zip", "111 11")]
    assert imp.commit(job.id).outcomes == {"created": 10, "replaced": 2}
    with imp.database.session() as session:
        session.get(Connection, imp.cid).sync_enabled = True  # type: ignore[union-attr]
    assert imp.sync.run().state == "succeeded"
    assert {a.key: dict(a.values) for a in imp.sync.saves} == {"10001": {"zip": "111 11"}}
    assert imp.sync.company("10001").name == ERP_10001["name"]  # replaced by the ERP's
