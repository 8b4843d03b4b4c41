"""The engine side of the contract: `ConnectorHost` wraps one connector instance.

Every call runs under the connection's timeout (for `changes`: per batch), an
unexpected exception becomes a `system` error naming connector and call, a lost
connection (`unknown_connection`) is re-opened and the call retried once, and every
answer is checked (`erpsync.sdk.validation`) so malformed data never reaches the CRM.
The engine, the API and the remote server all talk to connectors through this class;
a `RemoteConnector` is wrapped the same way.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress
from typing import TypeVar

from erpsync.sdk.connector import ConfigValues, Connector
from erpsync.sdk.errors import CRASHED, TIMEOUT, UNKNOWN_CONNECTION, ConnectorError
from erpsync.sdk.model import (
    Actor,
    ActorRef,
    ActorType,
    Category,
    ChangeBatch,
    Field,
    ListItem,
    Response,
    Restriction,
    SaveResult,
    Value,
)
from erpsync.sdk.operators import restriction_problem
from erpsync.sdk.stream import checked_stream
from erpsync.sdk.validation import (
    ActorCheck,
    bad_record,
    check_actor_types,
    check_fields,
    check_list_items,
    check_response,
    expect_list,
    malformed,
)
from erpsync.sdk.worker import CallWorker

T = TypeVar("T")
DEFAULT_TIMEOUT = 30.0
#: Connectors shipped with erpsync, whose `typed_fields` the host takes at their word.
BUILT_IN = "erpsync.connectors."


class ConnectorHost:
    """Runs one connector for one connection (R-SDK-6, R-SEM-7)."""

    def __init__(self, connector: Connector, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.connector = connector
        self.key = type(connector).key
        self.timeout = timeout
        self._worker: CallWorker | None = None
        self._opened: tuple[str, dict[str, Value]] | None = None
        self._types: list[ActorType] | None = None
        self._fields: dict[ActorType, dict[str, Field]] = {}
        self._searchable: dict[ActorType, frozenset[str]] = {}
        self._checks: dict[tuple[ActorType, tuple[str, ...] | None, bool, bool], ActorCheck] = {}

    # --- running calls -------------------------------------------------------------

    def _run(self, call: str, function: Callable[[], T]) -> T:
        if self._worker is None:
            self._worker = CallWorker(f"connector-{self.key}")
        future = self._worker.submit(function)
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            # The thread stays stuck in the ERP call; later calls get a fresh one.
            self._worker = None
            raise ConnectorError(
                Category.TRANSIENT,
                f"The connector {self.key!r} did not answer {call} within {self.timeout:g} s.",
                code=TIMEOUT,
                connector=self.key,
                call=call,
            ) from None
        except ConnectorError as exc:
            raise exc.located(self.key, call) from None
        except Exception as exc:
            raise crashed(self.key, call, exc) from exc

    def _call(self, call: str, function: Callable[[], T]) -> T:
        """Run a call; after `unknown_connection`, re-open and run it once more."""
        try:
            return self._run(call, function)
        except ConnectorError as exc:
            if exc.code != UNKNOWN_CONNECTION or self._opened is None:
                raise
            self._reopen(call)
            return self._run(call, function)

    def _reopen(self, call: str) -> None:
        assert self._opened is not None
        connection_id, values = self._opened
        with suppress(ConnectorError):  # the connection is gone; opening again is what matters
            self._run("close", self.connector.close)
        self._forget_metadata()
        self._run("open", lambda: self.connector.open(connection_id, values))

    def _forget_metadata(self) -> None:
        self._types = None
        self._fields.clear()
        self._searchable.clear()
        self._checks.clear()

    # --- configuration ---------------------------------------------------------------

    def config_fields(self) -> list[Field]:
        answer = self._call("config_fields", self.connector.config_fields)
        return check_fields(self.key, "config_fields", answer)

    def test_config(self, values: ConfigValues) -> Response:
        """Never raises: a failure becomes a failed Response with its category."""
        return self._test("test_config", lambda: self.connector.test_config(dict(values)))

    def test_connection(self) -> Response:
        return self._test("test_connection", self.connector.test_connection)

    def _test(self, call: str, function: Callable[[], Response]) -> Response:
        try:
            return check_response(self.key, call, self._call(call, function))
        except ConnectorError as exc:
            return exc.to_response()

    def open(self, connection_id: str, values: ConfigValues) -> None:
        copied = dict(values)
        self._forget_metadata()
        self._run("open", lambda: self.connector.open(connection_id, copied))
        self._opened = (connection_id, copied)

    def close(self) -> None:
        self._opened = None
        try:
            self._run("close", self.connector.close)
        finally:
            if self._worker is not None:
                self._worker.stop()
                self._worker = None

    def instance_id(self) -> str:
        answer = self._call("instance_id", self.connector.instance_id)
        if not isinstance(answer, str) or not answer:
            raise malformed(self.key, "instance_id", f"expected a non-empty str, got {answer!r}")
        return answer

    # --- metadata ----------------------------------------------------------------------

    def actor_types(self) -> list[ActorType]:
        if self._types is None:
            answer = self._call("actor_types", self.connector.actor_types)
            self._types = check_actor_types(self.key, answer)
        return list(self._types)

    def actor_fields(self, actor_type: ActorType) -> list[Field]:
        return list(self._field_map(actor_type, "actor_fields").values())

    def _field_map(self, actor_type: ActorType, call: str) -> dict[str, Field]:
        if actor_type not in self.actor_types():
            offered = ", ".join(self.actor_types()) or "none"
            raise ConnectorError(
                Category.CONFIG,
                f"The connector {self.key!r} does not offer actor type '{actor_type}' "
                f"(it offers: {offered}).",
                code="unknown_actor_type",
                connector=self.key,
                call=call,
            )
        if actor_type not in self._fields:
            answer = self._call("actor_fields", lambda: self.connector.actor_fields(actor_type))
            fields = check_fields(self.key, f"actor_fields({actor_type})", answer)
            if not fields:
                raise malformed(self.key, f"actor_fields({actor_type})", "no fields")
            self._fields[actor_type] = {field.key: field for field in fields}
        return self._fields[actor_type]

    def searchable_fields(self, actor_type: ActorType) -> list[str]:
        if actor_type not in self._searchable:
            fields = self._field_map(actor_type, "searchable_fields")
            call = f"searchable_fields({actor_type})"
            answer = self._call(call, lambda: self.connector.searchable_fields(actor_type))
            keys: list[str] = expect_list(self.key, call, answer, str)  # type: ignore[assignment]
            unknown = [key for key in keys if key not in fields]
            if unknown:
                raise malformed(self.key, call, f"unknown field {unknown[0]!r}")
            self._searchable[actor_type] = frozenset(keys)
        return sorted(self._searchable[actor_type])

    def lists(self) -> list[str]:
        answer = self._call("lists", self.connector.lists)
        names: list[str] = expect_list(self.key, "lists", answer, str)  # type: ignore[assignment]
        return names

    def list_items(self, list_name: str) -> list[ListItem]:
        call = f"list_items({list_name})"
        answer = self._call(call, lambda: self.connector.list_items(list_name))
        return check_list_items(self.key, call, answer)

    # --- reading --------------------------------------------------------------------------

    def _check(
        self,
        actor_type: ActorType,
        field_keys: Sequence[str] | None,
        call: str,
        exact: bool = True,
        sent: bool = False,
    ) -> ActorCheck:
        wanted = None if field_keys is None else tuple(field_keys)
        cache_key = (actor_type, wanted, exact, sent)
        if cache_key not in self._checks:
            fields = self._field_map(actor_type, call)
            if wanted is not None:
                unknown = [key for key in wanted if key not in fields]
                if unknown:
                    raise asked_unknown_field(self.key, call, actor_type, unknown[0])
            chosen = list(fields.values()) if wanted is None else [fields[k] for k in wanted]
            typed = frozenset() if sent else self._typed_fields(actor_type, fields)
            self._checks[cache_key] = ActorCheck(
                self.key, actor_type, chosen, self.actor_types(), exact_keys=exact, sent=sent,
                typed=typed,
            )  # fmt: skip
        return self._checks[cache_key]

    def _typed_fields(self, actor_type: ActorType, fields: Mapping[str, Field]) -> frozenset[str]:
        """The fields a built-in connector's storage types (`Connector.typed_fields`);
        nothing for any other connector, whose every value is checked."""
        if not type(self.connector).__module__.startswith(BUILT_IN):
            return frozenset()
        call = f"typed_fields({actor_type})"
        answer = self._call(call, lambda: self.connector.typed_fields(actor_type))
        if not isinstance(answer, frozenset) or not answer <= fields.keys():
            raise malformed(
                self.key, call, f"expected a frozenset of its field keys, got {answer!r}"
            )
        return answer

    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        check = self._check(actor_type, field_keys, "get_actors")
        wanted = list(keys)
        answer = self._call(
            "get_actors", lambda: self.connector.get_actors(actor_type, wanted, field_keys)
        )
        return check.all_or_raise("get_actors", answer)

    def search(
        self,
        actor_type: ActorType,
        text: str,
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        check = self._check(actor_type, field_keys, "search")
        answer = self._call(
            "search", lambda: self.connector.search(actor_type, text, field_keys, limit)
        )
        return check.all_or_raise("search", answer)

    def search_advanced(
        self,
        actor_type: ActorType,
        restrictions: Sequence[Restriction],
        field_keys: Sequence[str] | None = None,
        limit: int = 50,
    ) -> list[Actor]:
        check = self._check(actor_type, field_keys, "search_advanced")
        self._check_restrictions(actor_type, restrictions)
        given = list(restrictions)
        answer = self._call(
            "search_advanced",
            lambda: self.connector.search_advanced(actor_type, given, field_keys, limit),
        )
        return check.all_or_raise("search_advanced", answer)

    def _check_restrictions(
        self, actor_type: ActorType, restrictions: Sequence[Restriction]
    ) -> None:
        fields = self._field_map(actor_type, "search_advanced")
        self.searchable_fields(actor_type)
        searchable = self._searchable[actor_type]
        for restriction in restrictions:
            field = fields.get(restriction.field)
            problem: str | None
            if field is None or restriction.field not in searchable:
                problem = f"field {restriction.field!r} is not searchable for {actor_type}"
            else:
                problem = restriction_problem(restriction, field)
            if problem:
                raise ConnectorError(
                    Category.DATA,
                    f"Cannot search {actor_type} in {self.key!r}: {problem}.",
                    code="bad_restriction",
                    connector=self.key,
                    call="search_advanced",
                    field=restriction.field,
                )

    def children(
        self, parent_type: ActorType, parent_key: str, child_type: ActorType
    ) -> list[Actor]:
        self._field_map(parent_type, "children")
        check = self._check(child_type, None, "children")
        answer = self._call(
            "children", lambda: self.connector.children(parent_type, parent_key, child_type)
        )
        return check.all_or_raise("children", answer)

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        """The change stream; bad records go to `ChangeBatch.rejected`, not to the caller."""
        check = self._check(actor_type, field_keys, "changes")
        if cursor is not None and not isinstance(cursor, str):
            raise TypeError("cursor must be a str or None")
        return checked_stream(self, check, actor_type, cursor, field_keys)

    # --- writing ----------------------------------------------------------------------------

    def create(
        self,
        actor_type: ActorType,
        values: Mapping[str, Value],
        parent: ActorRef | None = None,
        idempotency_key: str | None = None,
    ) -> Actor:
        given = dict(values)
        self._check_input(actor_type, Actor(actor_type, "(new)", given), "create")
        answer = self._call(
            "create",
            lambda: self.connector.create(actor_type, given, parent, idempotency_key),
        )
        check = self._check(actor_type, None, "create")
        return check.all_or_raise("create", [answer])[0]

    def save(self, actors: Sequence[Actor]) -> list[SaveResult]:
        given = list(actors)
        for actor in given:
            self._check_input(actor.type, actor, "save")
        answer = self._call("save", lambda: self.connector.save(given))
        results: list[SaveResult] = expect_list(self.key, "save", answer, SaveResult)  # type: ignore[assignment]
        if [result.key for result in results] != [actor.key for actor in given]:
            raise malformed(self.key, "save", "results must match the saved actors one to one")
        for result, actor in zip(results, given, strict=True):
            check_response(self.key, "save", result.response)
            if result.actor is not None:
                check = self._check(actor.type, None, "save", exact=False)
                if problem := check.first_problem("save", result.actor):
                    raise problem
        return results

    def _check_input(self, actor_type: ActorType, actor: Actor, call: str) -> None:
        """Values the engine sends are checked too: a wrong type is the record's problem."""
        check = self._check(actor_type, None, call, exact=False, sent=True)
        problem = check.first_problem(call, actor)
        if problem is not None:
            raise problem


def crashed(connector: str, call: str, exc: BaseException) -> ConnectorError:
    """An unexpected exception inside a connector: a `system` error (a bug)."""
    summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return ConnectorError(
        Category.SYSTEM,
        f"The connector {connector!r} failed in {call}: {summary}",
        "".join(traceback.format_exception(exc, limit=8)),
        CRASHED,
        connector=connector,
        call=call,
    )


def asked_unknown_field(
    connector: str, call: str, actor_type: ActorType, key: str
) -> ConnectorError:
    error = bad_record(connector, call, None, key, f"unknown field {key!r} for {actor_type}")
    error.user_explanation = f"{actor_type} in {connector!r} has no field {key!r}."
    return error
