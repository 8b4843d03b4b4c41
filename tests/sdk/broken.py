"""Deliberately broken connectors: the demo connector with one bug each.

The conformance kit and the host must catch every one with a message that names the
check, the connector, the call and the record.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from decimal import Decimal

from erpsync.connectors.demo import DemoConnector
from erpsync.connectors.demo.fields import SPECS
from erpsync.connectors.demo.store import Reader
from erpsync.sdk import (
    Actor,
    ActorType,
    Category,
    ChangeBatch,
    ConfigValues,
    Operator,
    Response,
    Restriction,
    SaveResult,
)


class MissingKey(DemoConnector):
    """Answers actors without their ERP key."""

    key = "broken_missing_key"

    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        actors = super().get_actors(actor_type, keys, field_keys)
        return [dataclasses.replace(actor, key="") for actor in actors]


class FloatMoney(DemoConnector):
    """Answers Decimal fields as floats."""

    key = "broken_float_money"

    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        actors = super().get_actors(actor_type, keys, field_keys)
        for actor in actors:
            for name, value in actor.values.items():
                if isinstance(value, Decimal):
                    actor.values[name] = float(value)
        return actors


class NaiveDatetimes(DemoConnector):
    """Streams datetimes without a time zone."""

    key = "broken_naive_datetimes"

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        for batch in super().changes(actor_type, cursor, field_keys):
            for actor in batch.actors:
                stamp = actor.values.get("modified_at")
                if stamp is not None and hasattr(stamp, "tzinfo"):
                    actor.values["modified_at"] = stamp.replace(tzinfo=None)  # type: ignore[union-attr]
            yield batch


class LosesRowAtBoundary(DemoConnector):
    """Resumes each page *after* last + 1: the first row of every next page is lost."""

    key = "broken_boundary"

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        after = int(cursor or 0)
        reader = Reader(self._conn(), SPECS[actor_type], field_keys)
        while True:
            actors, last = reader.changed_after(after, self.batch_size)
            complete = len(actors) < self.batch_size
            yield ChangeBatch(actors, str(last), complete)
            if complete:
                return
            after = last + 1  # the bug


class NotIdempotentSave(DemoConnector):
    """Reports every save as a change."""

    key = "broken_save"

    def save(self, actors: Sequence[Actor]) -> list[SaveResult]:
        return [dataclasses.replace(result, changed=True) for result in super().save(actors)]


class WrongCategory(DemoConnector):
    """Calls a bad configuration a transient failure (so the engine would retry forever)."""

    key = "broken_category"

    def test_config(self, values: ConfigValues) -> Response:
        answer = super().test_config(values)
        if answer.ok:
            return answer
        return Response.failure(Category.TRANSIENT, answer.user_explanation)


class NotOneOfIsOneOf(DemoConnector):
    """Mistakes not_one_of for one_of in advanced search."""

    key = "broken_not_one_of"

    def search_advanced(
        self,
        actor_type: ActorType,
        restrictions: Sequence[Restriction],
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        swapped = [
            Restriction(r.field, Operator.ONE_OF, r.values)
            if r.operator is Operator.NOT_ONE_OF
            else r
            for r in restrictions
        ]
        return super().search_advanced(actor_type, swapped, field_keys, limit)
