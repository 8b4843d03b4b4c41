"""Import from ERP (R-IMP-1…3, R-SEM-10): duplicate rules, actions, the stored preview
and its groups, bad rows, the re-check at commit, parents before children, sync-on
refusal — against the demo ERP on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from erpsync.connections.models import Connection
from erpsync.crm import matchkeys
from erpsync.crm import service as crm
from erpsync.crm.models import Company
from erpsync.crm.schemas import CompanyUpdate
from erpsync.errors import Conflict, ValidationError
from erpsync.sdk import ActorType
from erpsync.sync.context import utc_now
from erpsync.sync.imports import service
from erpsync.sync.imports.schemas import ImportCreate
from erpsync.sync.imports.write import VALUES_CHANGED
from erpsync.sync.models import Link, SyncLogEntry
from tests.sync.conftest import CUSTOMER_FIELDS
from tests.sync.imports.conftest import ImportEnv

CUSTOMERS = 12  # in the fixture's demo ERP: numbers 10001 … 10012


def _company(imp: ImportEnv, crm_id: int) -> Company:
    with imp.database.read_session() as session:
        found = session.get(Company, crm_id)
        assert found is not None
        return found


def test_preview_lists_every_group_with_the_rule_and_reasons(imp: ImportEnv) -> None:
    by_number = imp.company(name="Verktyg i Norden", number="10001")
    by_vat = imp.company(name="Bergström", org_no="SE 829633829701")
    twins = [imp.company(name=f"Twin {i}", email="INFO@lindqvistlogistik.se") for i in (1, 2)]
    linked = imp.company(name="Linked already")
    with imp.database.session() as session:
        session.add(Link(connection_id=imp.cid, actor_type="Customer", erp_key="10004",
                         crm_kind="company", crm_id=linked, shadow={}))  # fmt: skip
    with imp.sync.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10005", {"name": "N" * 79, "phone": "+46 8 1"})
    imp.sync.map("Customer", [("notes", "street", "to_crm")])
    with imp.sync.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10006", {"notes": "x" * 250})

    job = imp.preview(rules=["number", "vat", "email"])

    assert job.state == "ready"
    assert job.counts == {"new": 7, "matched": 2, "ambiguous": 1, "skipped": 1,
                          "invalid": 1, "selected": 9,
                          "to_erp_records": 2, "to_erp_fields": 2}  # fmt: skip
    rows = imp.rows(job.id)
    assert (rows["10001"].status, rows["10001"].rule, rows["10001"].crm_id) == (
        "matched", "number", by_number)  # fmt: skip
    assert (rows["10002"].status, rows["10002"].rule, rows["10002"].crm_id) == (
        "matched", "vat", by_vat)  # fmt: skip
    assert rows["10003"].status == "ambiguous" and rows["10003"].candidates == twins
    assert not rows["10003"].selected
    assert rows["10004"].status == "skipped" and "already linked" in (rows["10004"].reason or "")
    assert rows["10006"].status == "invalid" and not rows["10006"].selected
    reason = rows["10006"].reason or ""
    assert "notes" in reason and "200 characters" in reason
    assert rows["10007"].status == "new" and rows["10007"].selected


def test_each_rule_finds_its_record_through_the_normalised_keys(imp: ImportEnv) -> None:
    ids = {
        "number": imp.company(name="A", number=" 10001 "),
        "vat": imp.company(name="B", org_no="829633-8297"),
        "name": imp.company(name="LINDQVIST LOGISTIK"),
        "email": imp.company(name="D", email="Info@Nordiskverktyg.SE"),
        "domain": imp.company(name="E", web="bergstrombygg.se/om-oss"),
    }
    expected = {"number": "10001", "vat": "10002", "name": "10003", "email": "10001",
                "domain": "10002"}  # fmt: skip
    for rule, crm_id in ids.items():
        job = imp.preview(rules=[rule])
        row = imp.rows(job.id)[expected[rule]]
        assert (row.status, row.rule, row.crm_id) == ("matched", rule, crm_id), rule


def test_the_first_rule_that_matches_decides(imp: ImportEnv) -> None:
    imp.company(name="By number", number="10002")
    by_vat = imp.company(name="By vat", org_no="8296338297")
    row = imp.rows(imp.preview(rules=["vat", "number"]).id)["10002"]
    assert (row.rule, row.crm_id) == ("vat", by_vat)


@pytest.mark.parametrize("action", ["merge", "replace", "skip", "add"])
def test_each_action_for_a_matched_record(imp: ImportEnv, action: str) -> None:
    crm_id = imp.company(name="Nordisk", number="10001", phone="+46 1 CRM")
    job = imp.preview(rules=["number"], action=action)
    done = imp.commit(job.id)

    assert done.state == "succeeded", done.error
    company = _company(imp, crm_id)
    links = imp.links()
    row = imp.rows(job.id)["10001"]
    if action == "merge":
        assert (company.phone, company.email) == ("+46 1 CRM", "info@nordiskverktyg.se")
        assert company.name == "Nordisk" and links["10001"].crm_id == crm_id
        assert row.outcome == "merged"
    elif action == "replace":
        assert company.phone == "+46 93 488 36" and company.name == "Nordisk Verktyg AB"
        assert links["10001"].crm_id == crm_id and row.outcome == "replaced"
    elif action == "skip":
        assert (company.phone, company.email) == ("+46 1 CRM", None)
        assert "10001" not in links and row.outcome == "skipped"
    else:
        assert links["10001"].crm_id != crm_id and company.email is None
        assert _company(imp, links["10001"].crm_id).name == "Nordisk Verktyg AB"
        assert row.outcome == "added"
    created = CUSTOMERS if action == "add" else CUSTOMERS - 1
    assert imp.companies() == 1 + created
    assert len(links) == (CUSTOMERS - 1 if action == "skip" else CUSTOMERS)


def test_links_carry_the_shadow_so_the_next_sync_has_nothing_to_do(imp: ImportEnv) -> None:
    imp.company(name="Nordisk", number="10001", phone="+46 1 CRM")
    done = imp.commit(imp.preview().id)
    link = imp.links()["10001"]
    assert link.shadow["phone"] == "+46 93 488 36"  # the ERP's value, as last synced
    assert link.shadow["email"] == "info@nordiskverktyg.se"
    with imp.database.session() as session:
        session.get(Connection, imp.cid).sync_enabled = True  # type: ignore[union-attr]
    result = imp.sync.run()
    assert result.state == "succeeded" and result.counts["created"] == 0
    assert done.outcomes == {"created": CUSTOMERS - 1, "merged": 1}
    # the CRM kept its own phone (merge); the engine sends it to the ERP (`both`)
    assert [a.values.get("phone") for a in imp.sync.saves] == ["+46 1 CRM"]


def test_bad_rows_are_listed_with_reasons_and_not_written(imp: ImportEnv) -> None:
    imp.sync.map("Customer", [("notes", "street", "to_crm")])
    with imp.sync.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10006", {"notes": "x" * 250})
    job = imp.preview()
    with pytest.raises(ValidationError, match=r"rows\.0\.selected"):
        imp.select(job.id, rows=[{"id": imp.rows(job.id)["10006"].id, "selected": True}])
    done = imp.commit(job.id)
    row = imp.rows(job.id)["10006"]
    assert (row.outcome, row.outcome_id) == ("invalid", None)
    assert "the CRM field 'street' takes at most" in (row.note or "")
    assert "10006" not in imp.links() and imp.companies() == CUSTOMERS - 1
    assert done.outcomes == {"created": CUSTOMERS - 1, "invalid": 1}


def test_deselected_rows_and_an_ambiguous_choice(imp: ImportEnv) -> None:
    twins = [imp.company(name=f"Twin {i}", email="info@lindqvistlogistik.se") for i in (1, 2)]
    job = imp.preview(rules=["email"])
    rows = imp.rows(job.id)
    with pytest.raises(ValidationError, match="choose one of"):
        imp.select(job.id, rows=[{"id": rows["10003"].id, "selected": True}])
    with pytest.raises(ValidationError, match="not a candidate"):
        imp.select(job.id, rows=[{"id": rows["10003"].id, "choice": 999}])
    updated = imp.select(job.id, rows=[{"id": rows["10003"].id, "choice": twins[1]},
                                       {"id": rows["10007"].id, "selected": False}])  # fmt: skip
    assert updated.counts["selected"] == CUSTOMERS - 1
    imp.commit(job.id)
    links = imp.links()
    assert links["10003"].crm_id == twins[1] and "10007" not in links
    assert imp.rows(job.id)["10007"].outcome == "skipped"
    assert imp.companies() == 2 + CUSTOMERS - 2


def test_commit_rechecks_the_preview_and_reports_changed_rows(imp: ImportEnv) -> None:
    job = imp.preview()
    late = imp.company(name="Made after the preview", number="10003")
    with imp.sync.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10005", {"phone": "+46 8 555"})
    done = imp.commit(job.id)
    rows = imp.rows(job.id)
    assert rows["10003"].outcome == "changed"
    assert rows["10003"].note == f"was new, now matched to company {late} by number"
    assert "10003" not in imp.links()
    assert rows["10005"].outcome == "created" and rows["10005"].note == VALUES_CHANGED
    assert _company(imp, imp.links()["10005"].crm_id).phone == "+46 8 555"
    assert done.outcomes["changed"] == 1


def test_parents_before_children_in_one_import(imp: ImportEnv) -> None:
    for parent_type in ("Supplier", "Partner"):
        imp.sync.map(parent_type, CUSTOMER_FIELDS)
    job = imp.preview(actor_types=["Person", "Customer", "Partner", "Supplier"])
    assert job.actor_types == ["Customer", "Supplier", "Partner", "Person"]
    imp.commit(job.id)
    persons = imp.links("Person")
    assert persons and all(link.state == "active" for link in persons.values())
    parents = {(link.actor_type, link.erp_key): link.crm_id
               for kind in ("Customer", "Supplier", "Partner")
               for link in imp.links(kind).values()}  # fmt: skip
    for person in imp.persons():
        link = next(lnk for lnk in persons.values() if lnk.crm_id == person.id)
        assert person.company_id == parents[(link.parent_type or "", link.parent_key or "")]


def test_children_without_a_linked_parent_wait_for_it(imp: ImportEnv) -> None:
    job = imp.preview(actor_types=["Person"], rules=["email"])
    some = next(iter(imp.rows(job.id).values()))
    assert "will wait for it" in (some.reason or "")
    imp.commit(job.id)
    assert {link.state for link in imp.links("Person").values()} == {"waiting_parent"}
    imp.commit(imp.preview(actor_types=["Customer"]).id)
    with imp.database.session() as session:
        session.get(Connection, imp.cid).sync_enabled = True  # type: ignore[union-attr]
    imp.sync.run()  # the engine adopts the waiting children of the imported customers
    states = {(lnk.parent_type, lnk.state) for lnk in imp.links("Person").values()}
    assert ("Customer", "active") in states and ("Customer", "waiting_parent") not in states


def test_refused_while_sync_is_on_and_works_when_not_active(imp: ImportEnv) -> None:
    with imp.database.session() as session:
        connection = session.get(Connection, imp.cid)
        assert connection is not None and not connection.active
        connection.sync_enabled = True
    with imp.database.session() as session, pytest.raises(Conflict, match="Sync is on"):
        service.create(session, session.get(Connection, imp.cid),  # type: ignore[arg-type]
                       ImportCreate(actor_types=["Customer"]), None)  # fmt: skip
    with imp.database.session() as session:
        session.get(Connection, imp.cid).sync_enabled = False  # type: ignore[union-attr]
    job = imp.preview()
    with imp.database.session() as session:
        session.get(Connection, imp.cid).sync_enabled = True  # type: ignore[union-attr]
    with imp.database.session() as session, pytest.raises(Conflict, match="Sync is on"):
        service.request_commit(session, service.get(session, job.id), utc_now())
    assert imp.companies() == 0 and imp.job(job.id).state == "ready"


def test_unmapped_types_and_unusable_rules_are_refused_naming_the_field(imp: ImportEnv) -> None:
    with imp.database.session() as session:
        connection = session.get(Connection, imp.cid)
        with pytest.raises(ValidationError, match=r"actor_types\.0: Project has no field"):
            service.create(session, connection, ImportCreate(actor_types=["Project"]), None)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match=r"rules\.0: the rule 'domain'"):
            data = ImportCreate(actor_types=["Person"], rules=["domain"])
            service.create(session, connection, data, None)  # type: ignore[arg-type]


def test_match_keys_follow_crm_writes(imp: ImportEnv) -> None:
    crm_id = imp.company(name="Keys AB", email="old@keys.se")
    with imp.database.session() as session:
        crm.update_company(session, crm_id, CompanyUpdate(email="new@keys.se"))
    with imp.database.read_session() as session:
        assert matchkeys.find(session, "company", "email", ["old@keys.se"]) == {}
        assert matchkeys.find(session, "company", "email", ["new@keys.se"]) == {
            "new@keys.se": [crm_id]}  # fmt: skip
        assert matchkeys.find(session, "company", "name", ["keys"]) == {"keys": [crm_id]}
    with imp.database.session() as session:
        crm.delete_company(session, crm_id)
    imp.commit(imp.preview().id)  # the bulk path writes keys of what it creates
    with imp.database.read_session() as session:
        assert matchkeys.find(session, "company", "email", ["new@keys.se"]) == {}
        created = imp.links()["10001"].crm_id
        assert matchkeys.find(session, "company", "number", ["10001"]) == {"10001": [created]}
        logged = session.scalars(select(SyncLogEntry.action).where(
            SyncLogEntry.erp_key == "10001")).all()  # fmt: skip
        assert logged == ["created"]


def test_normalisers() -> None:
    assert matchkeys.norm_vat("SE556677889901") == matchkeys.norm_vat("556677-8899")
    assert matchkeys.norm_name("Bergström Bygg & Fastighet AB") == "bergström bygg and fastighet"
    assert matchkeys.norm_domain("https://www.Acme.se:443/om?x") == "acme.se"
    assert matchkeys.norm_email("no-at-sign") is None


def test_an_actor_read_twice_in_the_preview_is_one_row(imp: ImportEnv) -> None:
    """A connector re-reading an overlap window delivers actors again in a later batch:
    the stored preview keeps their first row (also when a batch is written by COPY)."""
    with imp.sync.erp() as erp:
        erp.insert_many(ActorType.CUSTOMER, [
            {"name": f"Extra {i} AB"} for i in range(60)
        ])  # fmt: skip
    real = imp.sync.host

    def host(key: str, timeout: float) -> Any:
        made = real(key, timeout)
        read = made.changes

        def changes(actor_type: ActorType, cursor: str | None, fields: Any = None) -> Any:
            for batch in read(actor_type, cursor, fields):
                yield batch
                yield batch  # the same actors once more

        made.changes = changes  # type: ignore[method-assign]
        return made

    imp.sync.host = host  # type: ignore[method-assign]
    job = imp.preview()
    assert job.state == "ready" and job.counts["new"] == CUSTOMERS + 60
    done = imp.commit(job.id)
    assert done.outcomes == {"created": CUSTOMERS + 60}
    assert imp.companies() == CUSTOMERS + 60
