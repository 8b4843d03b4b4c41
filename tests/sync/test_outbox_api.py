"""The outbox review queue and the delete policy over the API (R-SEM-5, R-SYNC-7): an
administrator sees why each create waits, links it to a chosen actor, retries or
discards it, and sets what an ERP deletion does; bad input names the field and writes
nothing; other users get 403. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from erpsync.crm import service as crm
from erpsync.crm.schemas import CompanyCreate
from erpsync.sdk.model import ActorType
from erpsync.sync import outbox
from erpsync.sync.models import Link, OutboxEntry, SyncPolicy
from tests.conftest import make_user, signed_in
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv


def waiting(env: SyncEnv, name: str, note: str, **values: Any) -> tuple[int, int]:
    """A CRM company and an outbox entry in review for it: (entry id, company id)."""
    with env.database.session() as session:
        crm_id = crm.create_company(session, CompanyCreate(name=name)).id
        order = outbox.CreateOrder(
            env.connection_id, ActorType.CUSTOMER, "company", crm_id, {"name": name, **values}
        )
        entry = outbox.enqueue(session, order)
        entry.state, entry.note = "review", note
        session.flush()
        return entry.id, crm_id


def _entry(env: SyncEnv, entry_id: int) -> OutboxEntry:
    with env.database.read_session() as session:
        entry = session.get(OutboxEntry, entry_id)
        assert entry is not None
        return entry


def _links(env: SyncEnv) -> int:
    with env.database.read_session() as session:
        return int(session.scalar(select(func.count()).select_from(Link)) or 0)


def _erp_named(env: SyncEnv, name: str) -> list[str]:
    with env.erp() as erp:
        rows = erp.db.execute("SELECT number FROM company WHERE name = ?", (name,)).fetchall()
    return [str(row[0]) for row in rows]


def _field(answer: Any) -> str:
    body = answer.json()
    return str(body.get("field") or body["errors"][0]["field"])


def test_the_review_queue_lists_reasons_and_links_a_chosen_actor(
    env: SyncEnv, admin_client: TestClient
) -> None:
    env.map("Customer", CUSTOMER_FIELDS)
    first, first_crm = waiting(env, "Review One AB", "Several Customer actors match.")
    second, _ = waiting(env, "Review Two AB", "The ERP probably never reached it.")
    base = f"/api/v1/connections/{env.connection_id}/outbox"

    listed = admin_client.get(base)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert (body["state"], body["total"]) == ("review", 2)
    assert [item["reason"] for item in body["items"]] == [
        "Several Customer actors match.",
        "The ERP probably never reached it.",
    ]
    assert body["items"][0]["values"]["name"] == "Review One AB"
    assert admin_client.get(base, params={"state": "pending"}).json()["total"] == 0

    bad_state = admin_client.get(base, params={"state": "lost"})
    assert bad_state.status_code == 422 and _field(bad_state) == "state"
    missing = admin_client.post(f"{base}/{first}/link", json={"erp_key": "999999"})
    assert missing.status_code == 422 and _field(missing) == "erp_key"
    assert "no live Customer with the key '999999'" in missing.json()["detail"]
    blank = admin_client.post(f"{base}/{first}/link", json={"erp_key": ""})
    assert blank.status_code == 422 and _field(blank) == "erp_key"
    assert _entry(env, first).state == "review" and _links(env) == 0  # nothing written

    linked = admin_client.post(f"{base}/{first}/link", json={"erp_key": "10003"})
    assert linked.status_code == 200, linked.text
    assert linked.json()["erp_key"] == "10003" and linked.json()["entry"]["state"] == "done"
    assert env.links()["10003"].crm_id == first_crm

    taken = admin_client.post(f"{base}/{second}/link", json={"erp_key": "10003"})
    assert taken.status_code == 409 and _field(taken) == "erp_key"
    assert "already linked to company" in taken.json()["detail"]
    assert _entry(env, second).state == "review" and _links(env) == 1

    again = admin_client.post(f"{base}/{first}/link", json={"erp_key": "10004"})
    assert again.status_code == 409 and "is done" in again.json()["detail"]
    assert admin_client.post(f"{base}/424242/discard").status_code == 404


def test_retry_creates_the_actor_once_and_discard_closes_the_entry(
    env: SyncEnv, admin_client: TestClient
) -> None:
    env.map("Customer", CUSTOMER_FIELDS)
    entry_id, crm_id = waiting(env, "Retry Me AB", "The ERP did not answer.")
    refused_id, _ = waiting(env, "Refused AB", "The ERP did not answer.", country="nowhere")
    gone_id, _ = waiting(env, "Drop Me AB", "Several Customer actors match.")
    base = f"/api/v1/connections/{env.connection_id}/outbox"

    retried = admin_client.post(f"{base}/{entry_id}/retry")
    assert retried.status_code == 200, retried.text
    [key] = _erp_named(env, "Retry Me AB")
    assert retried.json()["erp_key"] == key and env.links()[key].crm_id == crm_id
    assert admin_client.post(f"{base}/{entry_id}/retry").status_code == 409
    assert _erp_named(env, "Retry Me AB") == [key]  # never created twice

    refused = admin_client.post(f"{base}/{refused_id}/retry")
    assert refused.status_code == 422, refused.text
    assert "The ERP refused the create" in refused.json()["detail"]
    assert _entry(env, refused_id).state == "failed" and _erp_named(env, "Refused AB") == []
    failed = admin_client.get(base, params={"state": "failed"}).json()
    assert [item["id"] for item in failed["items"]] == [refused_id]
    assert "not an item of the list countries" in (failed["items"][0]["reason"] or "")

    dropped = admin_client.post(f"{base}/{gone_id}/discard")
    assert dropped.status_code == 200 and dropped.json()["entry"]["state"] == "discarded"
    twice = admin_client.post(f"{base}/{gone_id}/discard")
    assert twice.status_code == 409 and _field(twice) == "entry_id"
    assert admin_client.get(base).json()["total"] == 0


def test_the_delete_policy_is_read_and_set_and_a_bad_one_is_refused(
    env: SyncEnv, admin_client: TestClient
) -> None:
    url = f"/api/v1/connections/{env.connection_id}/delete-policy"
    shown = admin_client.get(url).json()
    assert shown["delete_policy"] == "flag"
    assert shown["choices"] == ["flag", "unlink", "deactivate"]
    put = admin_client.put(url, json={"delete_policy": "deactivate"})
    assert put.status_code == 200 and put.json()["delete_policy"] == "deactivate"
    bad = admin_client.put(url, json={"delete_policy": "erase"})
    assert bad.status_code == 422 and _field(bad) == "delete_policy"
    assert admin_client.get(url).json()["delete_policy"] == "deactivate"
    with env.database.read_session() as session:
        assert session.scalar(select(SyncPolicy.delete_policy)) == "deactivate"
    assert admin_client.get("/api/v1/connections/999999/delete-policy").status_code == 404


def test_only_administrators_review_the_outbox_and_set_the_delete_policy(
    env: SyncEnv, admin_client: TestClient
) -> None:
    entry_id, _ = waiting(env, "Not Yours AB", "Several Customer actors match.")
    make_user(env.database, "olle", "olle-password-1")
    olle = signed_in(TestClient(admin_client.app), "olle", "olle-password-1")
    base = f"/api/v1/connections/{env.connection_id}"
    assert olle.get(f"{base}/outbox").status_code == 403
    assert olle.post(f"{base}/outbox/{entry_id}/link", json={"erp_key": "10001"}).status_code == 403
    assert olle.post(f"{base}/outbox/{entry_id}/retry").status_code == 403
    assert olle.post(f"{base}/outbox/{entry_id}/discard").status_code == 403
    assert olle.get(f"{base}/delete-policy").status_code == 403
    put = olle.put(f"{base}/delete-policy", json={"delete_policy": "unlink"})
    assert put.status_code == 403
    assert _entry(env, entry_id).state == "review"
    assert admin_client.get(f"{base}/delete-policy").json()["delete_policy"] == "flag"
