"""The conformance hooks of the demo ERP: a fresh small demo database per check, and
sample data written through the demo ERP's own hand-editing API (`DemoErp`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from erpsync.connectors.demo import DemoConnector, DemoErp, init_database
from erpsync.sdk import ActorRef, ActorType, ConfigValues, Connector, PriceList, Product, Value
from erpsync.sdk.testkit import ConformanceHooks, LateCommit


class DemoHooks(ConformanceHooks):
    timeout = 10.0
    path: Path

    def set_up_erp(self, workdir: Path) -> None:
        self.path = workdir / "demo-erp.sqlite"
        init_database(self.path, customers=30, suppliers=8, partners=3)

    def make_connector(self) -> Connector:
        return DemoConnector()

    def config_values(self) -> ConfigValues:
        return {"database": str(self.path)}

    def bad_config_values(self) -> ConfigValues:
        return {"database": str(self.path.with_name("no-such-erp.sqlite"))}

    def sample_parent(self, actor_type: ActorType) -> ActorRef | None:
        if actor_type not in (ActorType.PERSON, ActorType.PROJECT):
            return None
        key = self.insert_actor(ActorType.CUSTOMER, {"name": "Parent AB"}, None)
        return ActorRef(ActorType.CUSTOMER, key)

    def insert_actor(
        self, actor_type: ActorType, values: Mapping[str, Value], parent: ActorRef | None
    ) -> str:
        with DemoErp(self.path) as erp:
            return erp.insert(actor_type, values, parent).key

    def insert_actors(
        self, actor_type: ActorType, rows: Sequence[Mapping[str, Value]], parent: ActorRef | None
    ) -> list[str]:
        with DemoErp(self.path) as erp:
            return [actor.key for actor in erp.insert_many(actor_type, rows, parent)]

    def update_actor(self, actor_type: ActorType, key: str, values: Mapping[str, Value]) -> None:
        with DemoErp(self.path) as erp:
            erp.set(actor_type, key, values)

    def delete_actor(self, actor_type: ActorType, key: str) -> None:
        with DemoErp(self.path) as erp:
            erp.delete(actor_type, key)

    def begin_late_commit(
        self, actor_type: ActorType, values: Mapping[str, Value], parent: ActorRef | None
    ) -> LateCommit | None:
        with DemoErp(self.path) as erp:
            return erp.begin_late_commit(actor_type, values, parent)

    def expected_price(self, price_list: PriceList, product: Product) -> Decimal | None:
        with DemoErp(self.path) as erp:
            return erp.price_of(price_list.id, product.code)
