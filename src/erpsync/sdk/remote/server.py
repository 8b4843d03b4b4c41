"""The HTTP service that runs one connector for remote clients (R-SDK-7).

`create_app(DemoConnector, secret)` is a Starlette app exposing the whole contract,
one `POST /v1/<call>` per call (see `protocol`). Each connection gets its own
connector instance under its own `ConnectorHost` (`sessions`), so a remote connector
has the same timeouts and answer checks as one in-process. `erpsync connector serve`
runs it with uvicorn.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from erpsync.sdk import codec
from erpsync.sdk.connector import Connector
from erpsync.sdk.errors import CRASHED, ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Actor, ActorRef, Category, ChangeBatch, Restriction
from erpsync.sdk.pricing import has_pricing
from erpsync.sdk.remote import pricing
from erpsync.sdk.remote import protocol as p
from erpsync.sdk.remote.sessions import Session, Sessions

JSON = Any
Handler = Callable[[ConnectorHost, dict[str, JSON]], JSON]


class BadRequest(ValueError):
    """The request cannot be read: a bug of the client, answered with 400."""


def describe(cls: type[Connector]) -> dict[str, JSON]:
    """The class attributes a client needs to stand in for the connector."""
    return {
        "protocol": p.PROTOCOL,
        "key": cls.key,
        "name": cls.name,
        "version": cls.version,
        "description": cls.description,
        "change_tracking": str(cls.change_tracking),
        "supported_actor_types": [str(t) for t in cls.supported_actor_types],
        "read_only": cls.read_only,
        "idempotent_create": cls.idempotent_create,
        "batch_size": cls.batch_size,
        "pricing": has_pricing(cls),
    }


def _restrictions(data: JSON) -> list[Restriction]:
    return codec.decode_list(Restriction, data)


def _parent(data: JSON) -> ActorRef | None:
    return None if data is None else codec.decode(ActorRef, data)


# One handler per call: read the arguments, call the host, return the JSON answer.
HANDLERS: dict[str, Handler] = {
    "config_fields": lambda h, a: codec.encode(h.config_fields()),
    "test_config": lambda h, a: codec.encode(h.test_config(p.decode_values(a["values"]))),
    "test_connection": lambda h, a: codec.encode(h.test_connection()),
    "instance_id": lambda h, a: h.instance_id(),
    "actor_types": lambda h, a: codec.encode(h.actor_types()),
    "actor_fields": lambda h, a: codec.encode(h.actor_fields(p.actor_type(a["actor_type"]))),
    "searchable_fields": lambda h, a: h.searchable_fields(p.actor_type(a["actor_type"])),
    "lists": lambda h, a: h.lists(),
    "list_items": lambda h, a: codec.encode(h.list_items(p.text(a["list_name"], "list_name"))),
    "get_actors": lambda h, a: codec.encode(
        h.get_actors(
            p.actor_type(a["actor_type"]),
            p.str_list(a["keys"], "keys"),
            p.optional_str_list(a.get("field_keys"), "field_keys"),
        )
    ),
    "search": lambda h, a: codec.encode(
        h.search(
            p.actor_type(a["actor_type"]),
            p.text(a["text"], "text"),
            p.optional_str_list(a.get("field_keys"), "field_keys"),
            p.integer(a.get("limit", 50), "limit"),
        )
    ),
    "search_advanced": lambda h, a: codec.encode(
        h.search_advanced(
            p.actor_type(a["actor_type"]),
            _restrictions(a["restrictions"]),
            p.optional_str_list(a.get("field_keys"), "field_keys"),
            p.integer(a.get("limit", 50), "limit"),
        )
    ),
    "children": lambda h, a: codec.encode(
        h.children(
            p.actor_type(a["parent_type"], "parent_type"),
            p.text(a["parent_key"], "parent_key"),
            p.actor_type(a["child_type"], "child_type"),
        )
    ),
    "create": lambda h, a: codec.encode(
        h.create(
            p.actor_type(a["actor_type"]),
            p.decode_values(a["values"]),
            _parent(a.get("parent")),
            p.optional_text(a.get("idempotency_key"), "idempotency_key"),
        )
    ),
    "save": lambda h, a: codec.encode(h.save(codec.decode_list(Actor, a["actors"]))),
    **pricing.HANDLERS,
}


def _error(error: ConnectorError, status: int = 422) -> JSONResponse:
    return JSONResponse({"error": codec.encode(error)}, status_code=status)


def _line(data: JSON) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


class RemoteService:
    """The state behind the app: the secret and the open sessions."""

    def __init__(self, sessions: Sessions, secret: str) -> None:
        if not secret:
            raise ValueError("a remote connector service needs a non-empty shared secret")
        self.sessions = sessions
        self.cls = sessions.connector_class
        self._secret = ("Bearer " + secret).encode()

    def authorised(self, request: Request) -> bool:
        given = request.headers.get("authorization", "").encode()
        # Constant time, so the answer's timing tells nothing about the secret.
        return hmac.compare_digest(given, self._secret)

    async def endpoint(self, request: Request) -> Response:
        call = request.url.path.removeprefix(p.PREFIX)
        if not self.authorised(request):
            error = ConnectorError(
                Category.CONFIG,
                "The shared secret is wrong or missing.",
                code="unauthorized",
                connector=self.cls.key,
                call=call,
            )
            response = _error(error, 401)
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        try:
            key, connection, args = _read_body(await request.body())
        except BadRequest as exc:
            return _error(self._bad_request(call, exc), 400)
        if call == "changes":
            return await run_in_threadpool(self._stream, key, args)
        return await run_in_threadpool(self._answer, call, key, connection, args)

    def _bad_request(self, call: str, exc: Exception) -> ConnectorError:
        return ConnectorError(
            Category.SYSTEM,
            f"The remote connector could not read the {call} request: {exc}",
            code="bad_request",
            connector=self.cls.key,
            call=call,
        )

    def _answer(self, call: str, key: str, connection: str, args: dict[str, JSON]) -> Response:
        self.sessions.sweep()
        try:
            result = self._dispatch(call, key, connection, args)
        except ConnectorError as exc:
            return _error(exc.located(self.cls.key, call))
        except (KeyError, ValueError, TypeError) as exc:
            return _error(self._bad_request(call, exc), 400)
        except Exception as exc:  # a bug of this server; the client must not retry it
            return _error(self._crashed(call, exc))
        return JSONResponse({"result": result})

    def _crashed(self, call: str, exc: Exception) -> ConnectorError:
        return ConnectorError(
            Category.SYSTEM,
            f"The remote connector service failed in {call}: {type(exc).__name__}: {exc}",
            code=CRASHED,
            connector=self.cls.key,
            call=call,
        )

    def _dispatch(self, call: str, key: str, connection: str, args: dict[str, JSON]) -> JSON:
        if call == "describe":
            return describe(self.cls)
        if call == "open":
            self.sessions.open(key, connection, p.decode_values(args["values"]))
            return None
        if call == "close":
            self.sessions.close(key)
            return None
        handler = HANDLERS[call]
        if call in p.UNBOUND_CALLS and self.sessions.find(key) is None:
            host = self.sessions.new_host()
            try:
                return handler(host, args)
            finally:
                host.close()
        session = self.sessions.get(key)
        with session.lock:
            return handler(session.host, args)

    def _stream(self, key: str, args: dict[str, JSON]) -> Response:
        try:
            session = self.sessions.get(key)
            actor_type = p.actor_type(args["actor_type"])
            cursor = p.optional_text(args.get("cursor"), "cursor")
            field_keys = p.optional_str_list(args.get("field_keys"), "field_keys")
            batch_size = p.integer(args.get("batch_size", self.cls.batch_size), "batch_size")
            if batch_size < 1:
                raise ValueError("batch_size must be at least 1")
            with session.lock:
                session.host.connector.batch_size = batch_size
                batches = session.host.changes(actor_type, cursor, field_keys)
        except ConnectorError as exc:
            return _error(exc.located(self.cls.key, "changes"))
        except (KeyError, ValueError, TypeError) as exc:
            return _error(self._bad_request("changes", exc), 400)
        return StreamingResponse(self._lines(session, batches), media_type=p.NDJSON)

    def _lines(self, session: Session, batches: Iterator[ChangeBatch]) -> Iterator[bytes]:
        """One line per batch, produced only when the previous one was sent."""
        try:
            while True:
                with session.lock:
                    batch = next(batches, None)
                session.used = self.sessions.clock()
                if batch is None:
                    break
                yield _line({"batch": codec.encode(batch)})
        except ConnectorError as exc:
            yield _line({"error": codec.encode(exc.located(self.cls.key, "changes"))})
            return
        except Exception as exc:
            yield _line({"error": codec.encode(self._crashed("changes", exc))})
            return
        yield _line({"end": True})


def _read_body(body: bytes) -> tuple[str, str, dict[str, JSON]]:
    try:
        data = json.loads(body or b"{}")
    except ValueError as exc:
        raise BadRequest(f"the body is not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    connection = data.get("connection") or ""
    client = data.get("client") or ""
    args = data.get("args", {})
    if not isinstance(connection, str) or not isinstance(client, str):
        raise BadRequest("connection and client must be str")
    if not isinstance(args, dict):
        raise BadRequest("args must be a JSON object")
    # As JSON text, so no pair of ids can spell another pair's key.
    return json.dumps([connection, client]), connection, args


def create_app(
    connector_class: type[Connector],
    secret: str,
    *,
    timeout: float = 30.0,
    idle_seconds: float = 1800.0,
) -> Starlette:
    """The remote service of one connector class; `secret` is the shared secret."""
    service = RemoteService(Sessions(connector_class, timeout, idle_seconds), secret)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(service.sessions.close_all)

    routes = [Route(p.PREFIX + call, service.endpoint, methods=["POST"]) for call in p.CALLS]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.service = service
    return app
