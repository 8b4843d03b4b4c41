"""Remote hosting over real HTTP on a free local port (R-SDK-7): the shared secret,
failures mapped to categories, connector errors carried across, one connector
instance per connection, and a change stream that arrives batch by batch."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from erpsync.connectors.demo import DemoConnector, init_database
from erpsync.sdk import ActorType, Category, ChangeBatch, ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.remote import RemoteConnector, create_app, serving
from erpsync.sdk.remote.server import describe

SECRET = "test-secret"


@pytest.fixture(scope="module")
def service() -> Iterator[tuple[str, Starlette]]:
    app = create_app(DemoConnector, SECRET, timeout=10.0)
    with serving(app) as url:
        yield url, app


@pytest.fixture
def url(service: tuple[str, Starlette]) -> str:
    return service[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def raises(category: Category, call: Callable[[], object]) -> ConnectorError:
    with pytest.raises(ConnectorError) as caught:
        call()
    assert caught.value.category is category, caught.value
    return caught.value


# --- the shared secret -----------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {SECRET}", f"Bearer {SECRET}x"])
def test_a_wrong_or_missing_secret_gets_401(url: str, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    answer = httpx.post(f"{url}/v1/describe", json={}, headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["category"] == "config"
    assert SECRET not in answer.text


def test_a_wrong_secret_is_a_config_error_naming_the_secret(url: str) -> None:
    error = raises(Category.CONFIG, lambda: RemoteConnector(url, "not-the-secret", 5.0))
    assert "The shared secret is wrong" in error.user_explanation
    assert error.call == "describe"


def test_the_client_stands_in_for_the_remote_connector_class(url: str) -> None:
    connector = RemoteConnector(url, SECRET, 5.0)
    cls = type(connector)
    assert isinstance(connector, RemoteConnector)
    assert (cls.key, cls.name, cls.version) == ("demo", DemoConnector.name, DemoConnector.version)
    assert cls.idempotent_create and cls.change_tracking is DemoConnector.change_tracking
    assert cls.supported_actor_types == DemoConnector.supported_actor_types


# --- failures as categories ------------------------------------------------------------


def test_an_unreachable_service_is_transient_after_bounded_retries_with_back_off() -> None:
    waits: list[float] = []
    url = f"http://127.0.0.1:{free_port()}"
    error = raises(
        Category.TRANSIENT,
        lambda: RemoteConnector(url, SECRET, 2.0, retries=3, backoff=0.1, sleep=waits.append),
    )
    assert waits == [0.1, 0.2, 0.4]
    assert "cannot be reached" in error.user_explanation and url in error.user_explanation


def test_a_service_gone_after_open_is_transient(demo_db: Path) -> None:
    with serving(create_app(DemoConnector, SECRET)) as url:
        connector = RemoteConnector(url, SECRET, 2.0, retries=1, sleep=lambda _: None)
        connector.open("gone", {"database": str(demo_db)})
    raises(Category.TRANSIENT, connector.instance_id)
    connector.close()  # closing against a vanished service is harmless


def garbage_app(status: int = 200) -> Starlette:
    """Answers `describe` like the demo service, and every call with rubbish."""

    async def ok_describe(request: Request) -> Response:
        return JSONResponse({"result": describe(DemoConnector)})

    async def html(request: Request) -> Response:
        return PlainTextResponse("<html>Welcome to nginx!</html>", status_code=status)

    async def wrong_shape(request: Request) -> Response:
        return JSONResponse({"result": {"customers": 3}})

    async def bad_lines(request: Request) -> Response:
        return PlainTextResponse('{"batch": {"actors": [], "cursor": "1"}}\nnot json\n')

    return Starlette(
        routes=[
            Route("/v1/describe", ok_describe, methods=["POST"]),
            Route("/v1/actor_types", wrong_shape, methods=["POST"]),
            Route("/v1/changes", bad_lines, methods=["POST"]),
            Route("/v1/{call}", html, methods=["POST"]),
        ]
    )


def test_a_service_answering_garbage_is_a_system_error_naming_the_call() -> None:
    with serving(garbage_app()) as url:
        connector = RemoteConnector(url, SECRET, 5.0)
        for call, run in [
            ("instance_id", connector.instance_id),
            ("actor_types", connector.actor_types),
            ("changes", lambda: list(connector.changes(ActorType.CUSTOMER, None))),
        ]:
            error = raises(Category.SYSTEM, run)
            assert error.call == call
            assert f"answer to {call}" in error.user_explanation


def test_garbage_instead_of_a_description_is_a_system_error() -> None:
    async def wrong(request: Request) -> Response:
        return JSONResponse({"result": {"key": 7}})

    with serving(Starlette(routes=[Route("/v1/describe", wrong, methods=["POST"])])) as url:
        error = raises(Category.SYSTEM, lambda: RemoteConnector(url, SECRET, 5.0))
        assert error.call == "describe"


def test_5xx_is_retried_then_transient_and_a_create_without_key_is_not_repeated() -> None:
    hits: list[str] = []

    async def ok_describe(request: Request) -> Response:
        return JSONResponse({"result": describe(DemoConnector)})

    async def failing(request: Request) -> Response:
        hits.append(request.url.path)
        return PlainTextResponse("Bad gateway", status_code=502)

    app = Starlette(
        routes=[
            Route("/v1/describe", ok_describe, methods=["POST"]),
            Route("/v1/{call}", failing, methods=["POST"]),
        ]
    )
    with serving(app) as url:
        connector = RemoteConnector(url, SECRET, 5.0, retries=2, sleep=lambda _: None)
        raises(Category.TRANSIENT, connector.lists)
        assert hits == ["/v1/lists"] * 3
        hits.clear()
        raises(Category.TRANSIENT, lambda: connector.create(ActorType.CUSTOMER, {"name": "X"}))
        assert hits == ["/v1/create"]


# --- the contract across the wire --------------------------------------------------------


def test_connector_errors_arrive_with_category_code_and_explanations(
    url: str, demo_db: Path
) -> None:
    connector = RemoteConnector(url, SECRET, 5.0)
    error = raises(
        Category.CONFIG,
        lambda: connector.open("c", {"database": str(demo_db.with_name("nope.sqlite"))}),
    )
    assert error.user_explanation and error.connector == "demo" and error.call == "open"
    connector.open("c", {"database": str(demo_db)})
    error = raises(
        Category.DATA, lambda: connector.get_actors(ActorType.CUSTOMER, ["10001"], ["no_such"])
    )
    assert error.field == "no_such" and error.code
    connector.close()


def test_each_connection_gets_its_own_connector_instance(
    service: tuple[str, Starlette], tmp_path: Path
) -> None:
    url, app = service
    sessions = app.state.service.sessions
    before = len(sessions)
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    for path in (first, second):
        init_database(path, customers=3, suppliers=1, partners=1)
    a = ConnectorHost(RemoteConnector(url, SECRET, 5.0), timeout=5.0)
    b = ConnectorHost(RemoteConnector(url, SECRET, 5.0), timeout=5.0)
    a.open("connection-a", {"database": str(first)})
    b.open("connection-b", {"database": str(second)})
    assert len(sessions) == before + 2
    assert a.instance_id() != b.instance_id()
    a.close()
    assert len(sessions) == before + 1
    assert b.actor_types()  # the other connection is untouched
    b.close()
    assert len(sessions) == before


def test_a_session_the_service_lost_is_reopened_by_the_host(
    service: tuple[str, Starlette], demo_db: Path
) -> None:
    url, app = service
    host = ConnectorHost(RemoteConnector(url, SECRET, 5.0), timeout=5.0)
    host.open("restarted", {"database": str(demo_db)})
    first = host.instance_id()
    app.state.service.sessions.close_all()  # as after a restart of the service
    assert host.instance_id() == first
    host.close()


# --- the change stream ---------------------------------------------------------------------

GATE = threading.Event()
PRODUCED: list[str] = []


class GatedDemo(DemoConnector):
    """Holds back the last batch until the test saw the first one arrive."""

    def changes(
        self, actor_type: ActorType, cursor: str | None, field_keys: Sequence[str] | None = None
    ) -> Iterator[ChangeBatch]:
        for batch in super().changes(actor_type, cursor, field_keys):
            if batch.complete:
                PRODUCED.append("last" if GATE.wait(5.0) else "last, not released")
            else:
                PRODUCED.append("batch")
            yield batch


def test_batches_arrive_while_the_service_is_still_producing(demo_db: Path) -> None:
    GATE.clear()
    PRODUCED.clear()
    with serving(create_app(GatedDemo, SECRET, timeout=10.0)) as url:
        connector = RemoteConnector(url, SECRET, 10.0)
        connector.open("stream", {"database": str(demo_db)})
        connector.batch_size = 3
        batches = connector.changes(ActorType.CUSTOMER, None, ["name"])
        first = next(batches)
        assert len(first.actors) == 3
        assert "last" not in " ".join(PRODUCED)  # the client did not wait for the end
        GATE.set()
        rest = list(batches)
        connector.close()
    assert PRODUCED[-1] == "last"
    assert rest[-1].complete
    keys = [a.key for batch in [first, *rest] for a in batch.actors]
    assert len(keys) == len(set(keys)) == 30


def test_a_stream_that_breaks_off_is_transient() -> None:
    async def cut(request: Request) -> Response:
        return PlainTextResponse('{"batch": {"actors": [], "cursor": "1"}}\n')

    async def ok_describe(request: Request) -> Response:
        return JSONResponse({"result": describe(DemoConnector)})

    app = Starlette(
        routes=[
            Route("/v1/describe", ok_describe, methods=["POST"]),
            Route("/v1/changes", cut, methods=["POST"]),
        ]
    )
    with serving(app) as cut_url:
        connector = RemoteConnector(cut_url, SECRET, 5.0)
        batches = connector.changes(ActorType.CUSTOMER, None)
        assert next(batches).cursor == "1"
        raises(Category.TRANSIENT, lambda: next(batches))
