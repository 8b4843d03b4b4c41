"""Automap, list mapping, quickstart and the activation checks (R-MAP-2, -3, -6, R-CONN-5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from erpsync.accounts.models import User
from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionUpdate
from erpsync.crm import lists as crm_lists
from erpsync.crm.schemas import ListItemCreate
from erpsync.db import Database
from erpsync.errors import ValidationError
from erpsync.mapping import automap, lists, quickstart, service
from erpsync.mapping.erp import ErpMeta
from erpsync.mapping.schemas import FieldMappingIn, ItemPair, ListMappingPut
from tests.mapping.conftest import add_connection


def test_automap_proposes_by_meaning_with_reasons_and_direction_none(
    database: Database, meta: ErpMeta, connection_id: int
) -> None:
    with database.session() as session:
        found = automap.automap(session, meta, connection_id, "Customer", apply=True)
        rows = service.view(session, meta, connection_id, "Customer")
    pairs = {p.erp_field: p.crm_field for p in found}
    assert pairs == {
        "number": "number",
        "name": "name",
        "org_no": "org_no",
        "address1": "street",
        "zip": "zip",
        "city": "city",
        "country": "country",
        "phone": "phone",
        "email": "email",
        "web": "web",
        "currency": "currency",
    }
    reasons = {p.erp_field: p.reason for p in found}
    assert reasons["zip"] == "the ERP field's key 'zip' means 'Postal code'"
    assert reasons["address1"] == "the ERP field's key 'address1' means 'Street address'"
    assert {r.direction for r in rows if r.mapped} == {"none"}
    assert next(p for p in found if p.erp_field == "country").conversion == "list"


def test_automap_reads_swedish_names() -> None:
    from erpsync.mapping.crm_fields import fields_of
    from erpsync.sdk.model import Field

    erp = [
        Field("kundnr", "Kundnummer", rank=1),
        Field("f2", "Postnummer", rank=2),
        Field("f3", "E-post", rank=3),
        Field("f4", "Ort", rank=4),
        Field("f5", "Gatuadress", rank=5),
    ]
    found = automap.propose(erp, fields_of("Customer"), set(), set())
    assert [(p.erp_field, p.crm_field) for p in found] == [
        ("kundnr", "number"),
        ("f2", "zip"),
        ("f3", "email"),
        ("f4", "city"),
        ("f5", "street"),
    ]


def test_list_automatch_by_code_then_name_flags_unmapped_and_new(
    database: Database, meta: ErpMeta, connection_id: int
) -> None:
    with database.session() as session:
        report = lists.propose(
            session, meta, connection_id, "project_statuses", "project_status", apply=True
        )
    assert [(p.erp_item, p.crm_item) for p in report.items] == [("1", "planned"), ("3", "on_hold")]
    assert [i.code for i in report.unmapped_erp] == ["ACTIVE", "DONE"]
    assert [i.code for i in report.unmapped_crm] == ["in_progress", "completed", "cancelled"]
    with database.session() as session:
        crm_lists.create_item(
            session, "project_status", ListItemCreate(code="paused", name="Paused")
        )
        again = lists.report(session, meta, connection_id, "project_statuses")
    assert [i.code for i in again.new_crm] == ["paused"] and again.new_erp == []


def test_list_items_pair_one_to_one_and_must_exist(
    database: Database, meta: ErpMeta, connection_id: int
) -> None:
    def put(*pairs: tuple[str, str]) -> None:
        items = [ItemPair(erp_item=e, crm_item=c) for e, c in pairs]
        with database.session() as session:
            lists.put(
                session,
                meta,
                connection_id,
                "countries",
                ListMappingPut(crm_list="country", items=items),
            )

    put(("752", "SE"))
    for pairs, field, text in [
        ((("752", "SE"), ("578", "SE")), "items[1].crm_item", "duplicate — 'SE'"),
        ((("752", "SE"), ("752", "NO")), "items[1].erp_item", "duplicate — '752'"),
        ((("999", "SE"),), "items[0].erp_item", "has no item '999'"),
        ((("752", "XX"),), "items[0].crm_item", "has no item 'XX'"),
    ]:
        with pytest.raises(ValidationError) as caught:
            put(*pairs)
        assert (caught.value.field, text in caught.value.message) == (field, True)
    with database.read_session() as session:
        assert dict(lists.pairs(session, connection_id, "countries").erp_to_crm) == {"752": "SE"}


def _activate(
    database: Database, keys: connections.Keys, admin: User, connection_id: int
) -> list[str]:
    with database.session() as session:
        return connections.activate(session, keys, admin, connection_id).reasons


def test_activation_lists_what_is_missing_until_mapped(
    database: Database, keys: connections.Keys, admin: User, meta: ErpMeta, connection_id: int
) -> None:
    assert _activate(database, keys, admin, connection_id) == [
        "No actor type is mapped yet: map at least one ERP field to a CRM field with a direction."
    ]
    with database.session() as session:
        service.put_all(
            session,
            meta,
            connection_id,
            "Customer",
            [
                FieldMappingIn(erp_field="country", crm_field="country", direction="to_crm"),
            ],
        )
    reasons = _activate(database, keys, admin, connection_id)
    assert reasons == [
        "Customer: the Mandatory ERP field 'Name' (name) needs a mapping to the ERP "
        "or a default value.",
        "Customer: the list field 'Country' (country) is mapped, "
        "but its ERP list 'countries' is not.",
    ]
    with database.session() as session:
        summary = quickstart.map_connection(session, meta, connection_id)
    assert summary.lists["countries"] == 20 and summary.fields["Person"] == 6
    assert _activate(database, keys, admin, connection_id) == []


def test_equal_priority_on_shared_crm_fields_is_an_activation_error_naming_both(
    database: Database,
    keys: connections.Keys,
    admin: User,
    meta: ErpMeta,
    connection_id: int,
    demo_erp_path: Path,
) -> None:
    other = add_connection(database, keys, admin, demo_erp_path, name="Second ERP")
    with database.session() as session:
        quickstart.map_connection(session, meta, connection_id)
        quickstart.map_connection(session, meta, other)
    assert _activate(database, keys, admin, connection_id) == []
    reasons = _activate(database, keys, admin, other)
    assert len(reasons) == 1
    assert reasons[0].startswith(
        "'Second ERP' and 'Demo ERP' both have priority 1 and both write company.city"
    )
    with database.session() as session:
        connections.update(session, keys, admin, other, ConnectionUpdate(priority=2))
    assert _activate(database, keys, admin, other) == []
