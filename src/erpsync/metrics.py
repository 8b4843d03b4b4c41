"""Prometheus metrics of one app instance (R-NF-3), each in the app's own registry.

Sync metrics (runs, records, errors, lag and dead letters per connection) are added here
by the engine; the web layer counts requests.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter, Histogram, Info
from starlette.requests import Request
from starlette.responses import Response

from erpsync import __version__


def handler_name(request: Request) -> str:
    """`module.function` of the matched route (e.g. `accounts.me`), keeping labels few.

    Not the path template: routes of nested routers do not carry their prefix.
    """
    route = request.scope.get("route")
    endpoint = getattr(route, "endpoint", None)
    if endpoint is None:
        return "static" if request.url.path.startswith("/static/") else "unmatched"
    return f"{endpoint.__module__.rsplit('.', 1)[-1]}.{endpoint.__name__}"


class AppMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        Info("erpsync", "erpsync build information", registry=self.registry).info(
            {"version": __version__}
        )
        self.requests = Counter(
            "erpsync_http_requests",
            "HTTP requests answered, by method, handler and status class.",
            ["method", "handler", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "erpsync_http_request_seconds",
            "Time to answer HTTP requests, by handler.",
            ["handler"],
            registry=self.registry,
        )

    async def middleware(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        handler = handler_name(request)
        self.requests.labels(request.method, handler, f"{response.status_code // 100}xx").inc()
        self.latency.labels(handler).observe(time.perf_counter() - started)
        return response
