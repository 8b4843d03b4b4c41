"""Field mapping rules through the service on SQLite and PostgreSQL (R-MAP-1, -4, -5)."""

from __future__ import annotations

import pytest

from erpsync.db import Database
from erpsync.errors import ValidationError
from erpsync.mapping import service
from erpsync.mapping.erp import ErpMeta
from erpsync.mapping.schemas import FieldMappingIn, FieldMappingPatch, Move

CUSTOMER = "Customer"


def _put(database: Database, meta: ErpMeta, connection_id: int, *specs: FieldMappingIn) -> None:
    with database.session() as session:
        service.put_all(session, meta, connection_id, CUSTOMER, list(specs))


def _mapped(
    database: Database, meta: ErpMeta, connection_id: int
) -> list[tuple[str, str | None, str, int]]:
    with database.read_session() as session:
        rows = service.view(session, meta, connection_id, CUSTOMER)
    return [(r.erp_field, r.crm_field, r.direction, r.rank) for r in rows if r.mapped]


def _refused(
    database: Database,
    meta: ErpMeta,
    connection_id: int,
    field: str,
    text: str,
    *specs: FieldMappingIn,
) -> None:
    before = _mapped(database, meta, connection_id)
    with pytest.raises(ValidationError) as caught:
        _put(database, meta, connection_id, *specs)
    assert caught.value.field == field
    assert text in caught.value.message
    assert _mapped(database, meta, connection_id) == before


NAME = FieldMappingIn(erp_field="name", crm_field="name", direction="both")


def test_read_only_erp_field_cannot_be_written_to_the_erp(
    database: Database, meta: ErpMeta, connection_id: int
) -> None:
    _put(database, meta, connection_id, NAME)
    number = FieldMappingIn(erp_field="number", crm_field="number", direction="both")
    _refused(database, meta, connection_id, "direction", "ReadOnly in the ERP", NAME, number)
    _put(database, meta, connection_id, NAME, number.model_copy(update={"direction": "to_crm"}))
    assert _mapped(database, meta, connection_id) == [
        ("name", "name", "both", 1),
        ("number", "number", "to_crm", 2),
    ]


def test_a_crm_field_is_written_by_one_erp_field_only(
    database: Database, meta: ErpMeta, connection_id: int
) -> None:
    org = FieldMappingIn(erp_field="org_no", crm_field="org_no", direction="to_crm")
    vat = FieldMappingIn(erp_field="vat_no", crm_field="org_no", direction="both")
    _refused(
        database,
        meta,
        connection_id,
        "crm_field",
        "already written by the ERP field 'org_no'",
        org,
        vat,
    )
    # Writing only to the ERP from the same CRM field is fine.
    _put(database, meta, connection_id, org, vat.model_copy(update={"direction": "to_erp"}))


def test_types_must_be_compatible_or_have_a_named_conversion(
    database: Database, meta: ErpMeta, connection_id: int
) -> None:
    founded = FieldMappingIn(erp_field="founded", crm_field="web", direction="to_crm")
    _refused(
        database, meta, connection_id, "crm_field", "need a conversion: date_iso, date_dmy", founded
    )
    wrong = founded.model_copy(update={"conversion": "text_number"})
    _refused(
        database, meta, connection_id, "conversion", "joins an ERP Integer/Decimal/Double", wrong
    )
    country = FieldMappingIn(erp_field="country", crm_field="city", direction="to_crm")
    _refused(
        database,
        meta,
        connection_id,
        "crm_field",
        "cannot be mapped to the CRM field 'city'",
        country,
    )
    _put(database, meta, connection_id, founded.model_copy(update={"conversion": "date_dmy"}))
    # One possible conversion is taken without naming it.
    _put(
        database,
        meta,
        connection_id,
        FieldMappingIn(erp_field="employees", crm_field="number", direction="to_crm"),
    )
    with database.read_session() as session:
        assert service.stored(session, connection_id, CUSTOMER)[0].conversion == "text_number"


def test_unknown_fields_are_named(database: Database, meta: ErpMeta, connection_id: int) -> None:
    _refused(
        database,
        meta,
        connection_id,
        "erp_field",
        "has no field 'nope'",
        FieldMappingIn(erp_field="nope"),
    )
    _refused(
        database,
        meta,
        connection_id,
        "crm_field",
        "the CRM company has no field 'shoe_size'",
        FieldMappingIn(erp_field="name", crm_field="shoe_size"),
    )
    _refused(
        database,
        meta,
        connection_id,
        "direction",
        "needs a CRM field",
        FieldMappingIn(erp_field="name", direction="both"),
    )


def test_defaults_are_checked_against_type_and_list(
    database: Database, meta: ErpMeta, connection_id: int
) -> None:
    def default(key: str, value: object, mode: str | None = "set") -> FieldMappingIn:
        return FieldMappingIn(erp_field=key, default_value=value, default_mode=mode)  # type: ignore[arg-type]

    _refused(
        database,
        meta,
        connection_id,
        "default_value",
        "'99' is not an item id",
        default("payment_terms", "99"),
    )
    _refused(
        database,
        meta,
        connection_id,
        "default_value",
        "not a valid Integer",
        default("employees", "many"),
    )
    _refused(
        database,
        meta,
        connection_id,
        "default_value",
        "needs a value",
        default("employees", None, "ask"),
    )
    _refused(
        database, meta, connection_id, "default_value", "takes no default", default("number", "1")
    )
    _put(
        database,
        meta,
        connection_id,
        default("payment_terms", "2"),
        default("credit_limit", "1000.50", "ask"),
        default("blocked", False),
        default("name", None, "mandatory"),
    )
    with database.read_session() as session:
        rows = {r.erp_field: r for r in service.view(session, meta, connection_id, CUSTOMER)}
    assert (rows["credit_limit"].default_value, rows["credit_limit"].default_mode) == (
        "1000.5",
        "ask",
    )
    assert (rows["blocked"].default_value, rows["payment_terms"].default_value) == (False, "2")
    assert rows["name"].default_mode == "mandatory"


def test_rank_moves_keep_integers_in_order(
    database: Database, meta: ErpMeta, connection_id: int
) -> None:
    specs = [
        FieldMappingIn(erp_field=key, crm_field=key, direction="to_crm")
        for key in ("name", "city", "zip", "phone")
    ]
    _put(database, meta, connection_id, *specs)
    with database.session() as session:
        service.move(session, meta, connection_id, CUSTOMER, "phone", Move(step=-1))
        service.move(session, meta, connection_id, CUSTOMER, "name", Move(position=4))
        service.move(session, meta, connection_id, CUSTOMER, "city", Move(step=-5))
    assert [(key, rank) for key, _, _, rank in _mapped(database, meta, connection_id)] == [
        ("city", 1),
        ("phone", 2),
        ("zip", 3),
        ("name", 4),
    ]
    with database.session() as session:  # an edit keeps the order
        service.patch(
            session, meta, connection_id, CUSTOMER, "zip", FieldMappingPatch(show_on_tab=True)
        )
        service.patch(
            session, meta, connection_id, CUSTOMER, "web", FieldMappingPatch(crm_field="web")
        )
    assert [key for key, *_ in _mapped(database, meta, connection_id)] == [
        "city",
        "phone",
        "zip",
        "name",
        "web",
    ]


def test_view_lists_every_erp_field_mapped_first(
    database: Database, meta: ErpMeta, connection_id: int
) -> None:
    _put(database, meta, connection_id, NAME)
    with database.read_session() as session:
        rows = service.view(session, meta, connection_id, CUSTOMER)
    assert rows[0].erp_field == "name" and rows[0].mapped
    assert len(rows) == len(meta.fields_of(CUSTOMER))
    assert rows[1].erp_field == "number" and not rows[1].mapped and rows[1].access == "ReadOnly"
