"""Running the remote service with uvicorn: in the foreground (`erpsync connector
serve`) or on a background thread (tests, and connector packages running the
conformance kit through remote hosting)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from erpsync.sdk import registry
from erpsync.sdk.remote.server import create_app


def _config(app: ASGIApp, host: str, port: int, log_level: str) -> uvicorn.Config:
    # Access logs show the call path only; the secret travels in a header and is never
    # logged.
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, lifespan="on")


def serve(app: ASGIApp, host: str = "127.0.0.1", port: int = 8700, log_level: str = "info") -> None:
    """Serve until interrupted (Ctrl-C)."""
    uvicorn.Server(_config(app, host, port, log_level)).run()


@contextmanager
def serving(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve on a background thread; yields the base URL. Port 0 takes a free port."""
    # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on such sockets, and
    # without it every answer waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(_config(app, host, bound_port, "warning"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="erpsync-remote", daemon=True
    )
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the remote connector service did not start")
            threading.Event().wait(0.01)
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def serve_connector(
    key: str, secret: str, host: str = "127.0.0.1", port: int = 8700, timeout: float = 30.0
) -> None:
    """Serve the installed connector `key` (raises `UnknownConnector` / `BrokenConnector`)."""
    serve(create_app(registry.load(key), secret, timeout=timeout), host, port)
