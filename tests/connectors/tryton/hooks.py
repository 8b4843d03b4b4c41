"""The conformance hooks of the Tryton connector: a trytond on a fresh copy of the
session's template per check; sample data written over RPC as the Tryton admin (as
another ERP user would), and a late commit written straight into the SQLite file in a
transaction left open with an earlier stamp (the hardest case for a stamp stream).

Persons are written as parties with an *Employee of* relation to a seeded customer,
projects as `project.work` under it; a deleted person is a deactivated party, a deleted
project one set to the status the configuration names as closed (*Done*).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from erpsync.connectors.tryton import TrytonConnector
from erpsync.sdk import (
    ActorRef,
    ActorType,
    ConfigValues,
    Connector,
    Field,
    PriceList,
    Product,
    Value,
)
from erpsync.sdk.testkit import ConformanceHooks, LateCommit
from erpsync.sdk.testkit.kit import default_sample
from tests.connectors.tryton.seed import EMPLOYEE_OF, expected_price
from tests.connectors.tryton.server import ADMIN_PASSWORD, TrytonServer, serve_copy

CATEGORY = {ActorType.CUSTOMER: "Customer", ActorType.SUPPLIER: "Supplier"}
PERSON, PROJECT = ActorType.PERSON, ActorType.PROJECT
#: The seeded customer that sample persons and projects belong to.
PARENT_NAME = "Customer 000 AB"
MECHANISMS = ("email", "phone", "website")
ADDRESS = ("street", "postal_code", "city", "country")


def party_values(category: int, values: Mapping[str, Value]) -> dict[str, Any]:
    """Flattened values as a `party.party` create (address and mechanisms nested)."""
    party: dict[str, Any] = {"name": values.get("name"), "categories": [["add", [category]]]}
    address = {k: values[k] for k in ADDRESS if values.get(k) is not None}
    if "country" in address:
        address["country"] = int(str(address["country"]))
    if address:
        party["addresses"] = [["create", [address]]]
    mechanisms = [{"type": k, "value": values[k]} for k in MECHANISMS if values.get(k)]
    if mechanisms:
        party["contact_mechanisms"] = [["create", mechanisms]]
    return party


class LateParty:
    """A party inserted by SQL in an open transaction, stamped a second in the past."""

    def __init__(self, path: Path, category: int, name: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, timeout=10)
        self.db.execute("BEGIN IMMEDIATE")
        stamp = (datetime.now(UTC) - timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
        cursor = self.db.execute(
            "INSERT INTO party_party (active, code, name, create_date, create_uid) "
            "VALUES (1, ?, ?, ?, 1)",
            (f"LATE-{name[-16:]}", name, stamp),
        )
        self.key = str(cursor.lastrowid)
        self.db.execute(
            'INSERT INTO "party_party-party_category" (party, category, create_date, create_uid) '
            "VALUES (?, ?, ?, 1)",
            (cursor.lastrowid, category, stamp),
        )

    def commit(self) -> None:
        self.db.execute("COMMIT")
        self.db.close()


class TrytonHooks(ConformanceHooks):
    timeout = 30.0
    template: Path
    server: TrytonServer

    @pytest.fixture(autouse=True)
    def _template(self, tryton_template: Path) -> None:
        self.template = tryton_template

    def set_up_erp(self, workdir: Path) -> None:
        self.server = serve_copy(self.template, workdir / "tryton")
        self.admin = self.server.client()
        rows = self.admin.search_read("party.category", [], ["id", "name"])
        self.categories = {row["name"]: row["id"] for row in rows}
        (parent,) = self.admin.search_read("party.party", [("name", "=", PARENT_NAME)], ["id"])
        self.parent = ActorRef(ActorType.CUSTOMER, str(parent["id"]))
        rows = self.admin.search_read("party.relation.type", [("name", "=", EMPLOYEE_OF)], ["id"])
        self.employee_of = int(rows[0]["id"])
        rows = self.admin.search_read("project.work.status", [], ["id", "name"])
        self.statuses = {row["name"]: int(row["id"]) for row in rows}
        preferences = self.admin.call("model.res.user.get_preferences", True, {})
        self.company = int(preferences["company"])

    def tear_down_erp(self) -> None:
        self.admin.close()
        self.server.stop()

    def make_connector(self) -> Connector:
        return TrytonConnector()

    def config_values(self) -> ConfigValues:
        return {
            "url": self.server.url,
            "database": self.server.database,
            "user": "admin",
            "password": ADMIN_PASSWORD,
            "customer_categories": "Customer",
            "supplier_categories": "Supplier",
            # The late commit is stamped 1 s early; a short window keeps re-reads of the
            # kit's fresh rows few at its batch size of 3.
            "overlap_seconds": 2,
            "person_relation": EMPLOYEE_OF,
            "project_closed_statuses": "Done",
        }

    def bad_config_values(self) -> ConfigValues:
        return {**self.config_values(), "password": "not-the-password"}

    def sample_values(self, actor_type: ActorType, fields: Sequence[Field]) -> dict[str, Value]:
        values = default_sample(fields)
        # Tryton checks the syntax of emails; phones and websites are free text.
        if actor_type is PROJECT:
            values["status"] = str(self.statuses["Open"])  # "Done" means deleted here
            return values
        values["email"] = "sample@erpsync.example.com"
        if actor_type is not PERSON:
            values["website"] = "https://erpsync.example.com"
        return values

    def sample_parent(self, actor_type: ActorType) -> ActorRef | None:
        return self.parent if actor_type in (PERSON, PROJECT) else None

    def _category(self, actor_type: ActorType) -> int:
        return int(self.categories[CATEGORY[actor_type]])

    def insert_actor(
        self, actor_type: ActorType, values: Mapping[str, Value], parent: ActorRef | None
    ) -> str:
        return self.insert_actors(actor_type, [values], parent)[0]

    def insert_actors(
        self, actor_type: ActorType, rows: Sequence[Mapping[str, Value]], parent: ActorRef | None
    ) -> list[str]:
        if actor_type is PERSON:
            ids = self.admin.model(
                "party.party", "create", [self._person(row, parent) for row in rows]
            )
        elif actor_type is PROJECT:
            ids = self.admin.model(
                "project.work",
                "create",
                [self._project(row, parent) for row in rows],
                context={"company": self.company},
            )
        else:
            category = self._category(actor_type)
            ids = self.admin.model(
                "party.party", "create", [party_values(category, row) for row in rows]
            )
        return [str(i) for i in ids]

    def _person(self, values: Mapping[str, Value], parent: ActorRef | None) -> dict[str, Any]:
        party: dict[str, Any] = {"name": values.get("name")}
        mechanisms = [{"type": k, "value": values[k]} for k in ("email", "phone") if values.get(k)]
        if mechanisms:
            party["contact_mechanisms"] = [["create", mechanisms]]
        if parent is not None:
            relation = {"to": int(parent.key), "type": self.employee_of}
            party["relations"] = [["create", [relation]]]
        return party

    def _project(self, values: Mapping[str, Value], parent: ActorRef | None) -> dict[str, Any]:
        work: dict[str, Any] = {"name": values.get("name"), "type": "project"}
        if values.get("comment"):
            work["comment"] = values["comment"]
        if values.get("status"):
            work["status"] = int(str(values["status"]))
        if parent is not None:
            work["party"] = int(parent.key)
        return work

    def update_actor(self, actor_type: ActorType, key: str, values: Mapping[str, Value]) -> None:
        if actor_type is PROJECT:
            self.admin.model("project.work", "write", [int(key)], dict(values))
            return
        party = {k: v for k, v in values.items() if k == "name"}
        if party:
            self.admin.model("party.party", "write", [int(key)], party)
        address = {k: v for k, v in values.items() if k in ADDRESS}
        if address:
            (row,) = self.admin.search_read("party.address", [("party", "=", int(key))], ["id"])
            self.admin.model("party.address", "write", [row["id"]], address)

    def delete_actor(self, actor_type: ActorType, key: str) -> None:
        if actor_type is PROJECT:
            done = {"status": self.statuses["Done"], "progress": 1.0}
            self.admin.model("project.work", "write", [int(key)], done)
            return
        self.admin.model("party.party", "write", [int(key)], {"active": False})

    def expected_price(self, price_list: PriceList, product: Product) -> Decimal | None:
        """Worked out from the seed's list prices and each list's formula."""
        return expected_price(price_list.name, product.code)

    def begin_late_commit(
        self, actor_type: ActorType, values: Mapping[str, Value], parent: ActorRef | None
    ) -> LateCommit | None:
        return LateParty(self.server.path, self._category(actor_type), str(values["name"]))
