"""The engine side of the contract: `ConnectorHost` wraps one connector instance.

Every call runs under the connection's timeout (for `changes`: per batch), an
unexpected exception becomes a `system` error naming connector and call, a lost
connection (`unknown_connection`) is re-opened and the call retried once, and every
answer is checked (`erpsync.sdk.validation`, the checks per actor type built and kept
in `erpsync.sdk.host_checks`) so malformed data never reaches the CRM.
The engine, the API and the remote server all talk to connectors through this class;
a `RemoteConnector` is wrapped the same way.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Generator, Mapping, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress
from typing import TypeVar

from erpsync.sdk.connector import ConfigValues, Connector
from erpsync.sdk.errors import CRASHED, TIMEOUT, UNKNOWN_CONNECTION, ConnectorError
from erpsync.sdk.host_checks import HostChecks
from erpsync.sdk.model import (
    Actor,
    ActorRef,
    ActorType,
    Category,
    ChangeBatch,
    ChangeTracking,
    Field,
    ListItem,
    Response,
    Restriction,
    SaveResult,
    Value,
)
from erpsync.sdk.stream import checked_stream
from erpsync.sdk.validation import (
    check_fields,
    check_list_items,
    check_response,
    expect_list,
    malformed,
)
from erpsync.sdk.worker import CallWorker, Submitted

T = TypeVar("T")
DEFAULT_TIMEOUT = 30.0


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
        self._checks = HostChecks(self.key, connector, self._call)

    @property
    def change_tracking(self) -> ChangeTracking:
        """How the connector reads changes (R-SDK-4); `cursor` unless it says otherwise."""
        tracking = getattr(self.connector, "change_tracking", ChangeTracking.CURSOR)
        return ChangeTracking(tracking)

    # --- running calls -------------------------------------------------------------

    def _run(self, call: str, function: Callable[[], T]) -> T:
        return self._wait(call, self._submit(function))

    def _submit(self, function: Callable[[], T]) -> Submitted[T]:
        """Hand a call to the worker without waiting (the stream's read-ahead)."""
        if self._worker is None:
            self._worker = CallWorker(f"connector-{self.key}")
        return Submitted(self._worker, self._worker.submit(function))

    def _wait(self, call: str, submitted: Submitted[T]) -> T:
        """The call's answer, waiting at most the timeout from now."""
        try:
            return submitted.future.result(timeout=self.timeout)
        except FutureTimeout:
            # The thread stays stuck in the ERP call; later calls get a fresh one.
            if self._worker is submitted.worker:
                self._worker = None
            submitted.worker.stop()  # its thread ends if the call ever returns
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
        self._checks.forget()
        self._run("open", lambda: self.connector.open(connection_id, values))

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
        self._checks.forget()
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
        return list(self._checks.actor_types())

    def actor_fields(self, actor_type: ActorType) -> list[Field]:
        return list(self._checks.field_map(actor_type, "actor_fields").values())

    def searchable_fields(self, actor_type: ActorType) -> list[str]:
        return sorted(self._checks.searchable(actor_type))

    def lists(self) -> list[str]:
        answer = self._call("lists", self.connector.lists)
        names: list[str] = expect_list(self.key, "lists", answer, str)  # type: ignore[assignment]
        return names

    def list_items(self, list_name: str) -> list[ListItem]:
        call = f"list_items({list_name})"
        answer = self._call(call, lambda: self.connector.list_items(list_name))
        return check_list_items(self.key, call, answer)

    # --- reading --------------------------------------------------------------------------

    def get_actors(
        self, actor_type: ActorType, keys: Sequence[str], field_keys: Sequence[str] | None = None
    ) -> list[Actor]:
        check = self._checks.check(actor_type, field_keys, "get_actors")
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
        check = self._checks.check(actor_type, field_keys, "search")
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
        check = self._checks.check(actor_type, field_keys, "search_advanced")
        self._checks.check_restrictions(actor_type, restrictions)
        given = list(restrictions)
        answer = self._call(
            "search_advanced",
            lambda: self.connector.search_advanced(actor_type, given, field_keys, limit),
        )
        return check.all_or_raise("search_advanced", answer)

    def children(
        self, parent_type: ActorType, parent_key: str, child_type: ActorType
    ) -> list[Actor]:
        self._checks.field_map(parent_type, "children")
        check = self._checks.check(child_type, None, "children")
        answer = self._call(
            "children", lambda: self.connector.children(parent_type, parent_key, child_type)
        )
        return check.all_or_raise("children", answer)

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Generator[ChangeBatch, None, None]:
        """The change stream; bad records go to `ChangeBatch.rejected`, not to the caller."""
        check = self._checks.check(actor_type, field_keys, "changes")
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
        self._checks.check_input(actor_type, Actor(actor_type, "(new)", given), "create")
        answer = self._call(
            "create",
            lambda: self.connector.create(actor_type, given, parent, idempotency_key),
        )
        check = self._checks.check(actor_type, None, "create")
        return check.all_or_raise("create", [answer])[0]

    def save(self, actors: Sequence[Actor]) -> list[SaveResult]:
        given = list(actors)
        for actor in given:
            self._checks.check_input(actor.type, actor, "save")
        answer = self._call("save", lambda: self.connector.save(given))
        results: list[SaveResult] = expect_list(self.key, "save", answer, SaveResult)  # type: ignore[assignment]
        if [result.key for result in results] != [actor.key for actor in given]:
            raise malformed(self.key, "save", "results must match the saved actors one to one")
        for result, actor in zip(results, given, strict=True):
            check_response(self.key, "save", result.response)
            if result.actor is not None:
                check = self._checks.check(actor.type, None, "save", exact=False)
                if problem := check.first_problem("save", result.actor):
                    raise problem
        return results


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
