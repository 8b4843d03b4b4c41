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


class AppMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        Info("erpsync", "erpsync build information", registry=self.registry).info(
            {"version": __version__}
        )
        self.requests = Counter(
            "erpsync_http_requests",
            "HTTP requests answered, by method, route and status class.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "erpsync_http_request_seconds",
            "Time to answer HTTP requests, by route.",
            ["route"],
            registry=self.registry,
        )

    async def middleware(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        # The route template, not the raw path, keeps the label set small.
        path = getattr(route, "path", "unmatched")
        self.requests.labels(request.method, path, f"{response.status_code // 100}xx").inc()
        self.latency.labels(path).observe(time.perf_counter() - started)
        return response
