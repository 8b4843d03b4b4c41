"""Export and import of a connection's whole configuration as YAML (R-MAP-7, R-CONN-3,
R-CONN-4) through the services, on SQLite and PostgreSQL: lossless round trip, no
secret in the document, missing secrets named, the test gate on imported values, and
bad documents refused with their YAML path while nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from erpsync.accounts import service as accounts
from erpsync.accounts.models import User
from erpsync.accounts.schemas import GroupCreate
from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionCreate, GrantIn
from erpsync.connectors.demo.seed import init_database
from erpsync.crm.lists import ensure_standard_lists
from erpsync.db import Database
from erpsync.errors import ValidationError
from erpsync.exchange import document
from erpsync.mapping import erp, policy, quickstart, service
from erpsync.mapping.schemas import CreatePolicyIn, FieldMappingPatch
from erpsync.sync import policies as sync_policies
from tests.conftest import make_user
from tests.exchange.conftest import assert_edit_refused, export_text, import_text

KEY = "exchange-key-42"


@pytest.fixture(scope="module")
def keyed_erp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exchange") / "erp.db"
    init_database(path, customers=8, suppliers=2, partners=1, access_key=KEY)
    return path


@pytest.fixture
def configured(database: Database, keys: connections.Keys, admin: User, keyed_erp: Path) -> int:
    """A connection with everything set: scope by user and group, mapping, lists, policy."""
    make_user(database, "sara", "sara-password-1")
    with database.session() as session:
        ensure_standard_lists(session)
        accounts.create_group(session, GroupCreate(name="Säljare", members=["sara"]))
        data = ConnectionCreate(
            name="Main ERP",
            connector="demo",
            description="The ERP of the head office",
            scope="grants",
            grants=[GrantIn(user="sara", can_create_in_erp=True), GrantIn(group="Säljare")],
            config={"database": str(keyed_erp), "access_key": KEY, "batch_size": 250},
            priority=3,
        )
        result, created = connections.create_tested(session, keys, admin, data)
        assert created is not None, result.message
        created.sync_interval, created.timeout = 600, 12.5
        meta = erp.read(keys, created)
        quickstart.map_connection(session, meta, created.id)
        service.patch(
            session,
            meta,
            created.id,
            "Customer",
            "payment_terms",
            FieldMappingPatch(default_value="2", default_mode="ask"),
        )
        policy.put(
            session,
            created.id,
            "Customer",
            CreatePolicyIn(
                erp_to_crm="create", crm_to_erp="create", crm_filter={"category": ["customer"]}
            ),
        )
        sync_policies.set_delete_policy(session, created.id, "unlink")
        connection_id = created.id
    with database.session() as session:
        assert connections.activate(session, keys, admin, connection_id).reasons == []
    return connection_id


def test_round_trip_is_lossless_and_the_document_holds_no_secret(
    database: Database, keys: connections.Keys, admin: User, configured: int
) -> None:
    first = export_text(database, keys, admin, configured)
    assert KEY not in first
    data = yaml.safe_load(first)
    assert data["connection"]["secrets"] == ["access_key"]
    assert "access_key" not in data["connection"]["config"]
    assert data["connection"]["grants"][1] == {
        "group": "Säljare",
        "can_connect": True,
        "can_create_in_erp": False,
    }
    assert data["mapping"]["Customer"]["entity"] == "company"
    assert [f["rank"] for f in data["mapping"]["Customer"]["fields"]][:3] == [1, 2, 3]
    assert data["lists"]["countries"]["crm_list"] == "country"
    assert data["connection"]["sync"] == {
        "enabled": False,
        "interval": 600,
        "timeout": 12.5,
        "delete_policy": "unlink",
    }
    with database.session() as session:
        connections.delete(session, admin, configured)
    result = import_text(database, keys, admin, first, access_key=KEY)
    assert (result.created, result.active, result.reasons) == (True, True, [])
    assert result.connection.id != configured
    assert export_text(database, keys, admin, result.connection.id) == first


def test_import_updates_by_name_and_keeps_the_stored_secret(
    database: Database, keys: connections.Keys, admin: User, configured: int
) -> None:
    data = yaml.safe_load(export_text(database, keys, admin, configured))
    data["connection"]["description"] = "Moved"
    data["connection"]["active"] = False
    data["mapping"]["Customer"]["fields"][0]["conflict_policy"] = "manual"
    del data["mapping"]["Project"]
    del data["lists"]["project_statuses"]
    result = import_text(database, keys, admin, yaml.safe_dump(data, allow_unicode=True))
    assert (result.created, result.connection.id, result.active) == (False, configured, False)
    again = yaml.safe_load(export_text(database, keys, admin, configured))
    assert again == data


@pytest.mark.parametrize(
    ("edit", "field", "text"),
    [
        (lambda d: d["connection"].update(priority=0), "connection.priority", "greater than"),
        (
            lambda d: d["connection"]["sync"].update(delete_policy="erase"),
            "connection.sync.delete_policy",
            "Input should be",
        ),
        (
            lambda d: d["mapping"]["Customer"]["fields"][1].update(colour="red"),
            "mapping.Customer.fields[1].colour",
            "Extra inputs",
        ),
        (
            lambda d: d["mapping"]["Customer"]["fields"][0].update(
                erp_field="number", direction="both"
            ),
            "mapping.Customer.fields[0].direction",
            "ReadOnly in the ERP",
        ),
        (
            lambda d: d["mapping"]["Customer"]["fields"][2].update(
                default={"mode": "set", "value": "abc"},
                erp_field="employees",
                crm_field=None,
                direction="none",
            ),
            "mapping.Customer.fields[2].default.value",
            "employees",
        ),
        (
            lambda d: d["lists"]["countries"]["items"].append(
                {"erp_item": "578", "crm_item": d["lists"]["countries"]["items"][0]["crm_item"]}
            ),
            "lists.countries.items[",
            "duplicate",
        ),
        (
            lambda d: d["connection"]["grants"][1].update(group="Nobody"),
            "connection.grants[1].group",
            "No group named 'Nobody'",
        ),
        (
            lambda d: d["connection"]["config"].update(access_key="x"),
            "connection.config.access_key",
            "never goes in the document",
        ),
        (
            lambda d: d["mapping"]["Customer"].update(entity="person"),
            "mapping.Customer.entity",
            "always maps to the CRM company",
        ),
        (
            lambda d: d["mapping"].update(Spaceship={"fields": []}),
            "mapping.Spaceship",
            "no actor type 'Spaceship'",
        ),
        (
            lambda d: d["mapping"]["Customer"]["create_policy"].update(
                crm_filter={"category": ["nobody"]}
            ),
            "mapping.Customer.create_policy.crm_filter.category",
            "no item 'nobody'",
        ),
        (
            lambda d: d["connection"]["config"].update(batch_size="lots"),
            "connection.config.batch_size",
            "not a whole number",
        ),
    ],
)
def test_a_bad_document_names_its_path_and_changes_nothing(
    database: Database,
    keys: connections.Keys,
    admin: User,
    configured: int,
    edit: object,
    field: str,
    text: str,
) -> None:
    assert_edit_refused(database, keys, admin, configured, edit, field, text)  # type: ignore[arg-type]


def test_missing_secret_is_named_and_a_failing_test_saves_nothing(
    database: Database, keys: connections.Keys, admin: User, configured: int
) -> None:
    text = export_text(database, keys, admin, configured).replace("Main ERP", "Copy ERP")
    with pytest.raises(ValidationError) as missing:
        import_text(database, keys, admin, text)
    assert missing.value.field == "secrets.access_key"
    assert missing.value.extra["missing"] == ["access_key"]
    with pytest.raises(ValidationError) as failing:
        import_text(database, keys, admin, text, access_key="wrong-key")
    assert failing.value.field == "connection.config"
    assert "access key" in failing.value.message.lower()
    with pytest.raises(ValidationError) as unknown:
        import_text(database, keys, admin, text, access_key=KEY, colour="red")
    assert unknown.value.field == "secrets.colour"
    with database.read_session() as session:
        names = [c.name for c in connections.list_visible(session, admin)]
    assert names == ["Main ERP"]


def test_bad_yaml_names_the_line() -> None:
    with pytest.raises(ValidationError) as caught:
        document.parse("connection:\n  name: [unclosed\n")
    assert caught.value.field == "document"
    assert "line 3" in caught.value.message
    with pytest.raises(ValidationError) as wrong_format:
        document.parse("format: other/9\nconnection: {name: X, connector: demo}\n")
    assert wrong_format.value.field == "format"
