"""HTTP for `RemoteConnector`: timeouts, bounded retries, and failures as categories.

| what happened | category |
|---|---|
| unreachable, timed out, connection dropped, HTTP 5xx | `transient` (retried first) |
| HTTP 401 | `config` — the shared secret is wrong |
| HTTP 404 | `config` — the URL does not point at a connector service |
| an answer that is not the protocol's JSON, HTTP 400, any other status | `system` |
| a connector error the service reports (422) | the connector's own category |

A call is retried only when repeating it is harmless: always when the request never
left (connection refused), otherwise only for calls the caller marks repeatable
(everything but a `create` without an idempotency key).
"""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import httpx

from erpsync.sdk import codec
from erpsync.sdk.errors import BAD_ANSWER, ConnectorError
from erpsync.sdk.model import Category
from erpsync.sdk.remote import protocol as p

JSON = Any


class Transport:
    """POSTs calls to one remote connector service."""

    def __init__(
        self,
        url: str,
        secret: str,
        timeout: float,
        *,
        retries: int = 2,
        backoff: float = 0.25,
        sleep: Callable[[float], None] = time.sleep,
        connector: str = "remote",
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.connector = connector
        self._secret = secret
        self._client: httpx.Client | None = None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0)),
                headers={"Authorization": f"Bearer {self._secret}"},
                verify=_ssl_context(),
            )
        return self._client

    def reset(self) -> None:
        """Release pooled connections; the next call opens new ones."""
        if self._client is not None:
            self._client.close()
            self._client = None

    # --- calls -----------------------------------------------------------------------

    def call(self, call: str, body: dict[str, JSON], *, repeatable: bool = True) -> JSON:
        """The `result` of one call; raises `ConnectorError` with the right category."""
        response = self._send(call, body, repeatable, stream=False)
        data = self._json(call, response)
        if response.status_code == 200:
            if not isinstance(data, dict) or "result" not in data:
                raise self.garbage(call, "the answer has no 'result'")
            return data["result"]
        raise self._failure(call, response, data)

    def lines(self, call: str, body: dict[str, JSON]) -> Iterator[JSON]:
        """The payload of each `{"batch": ...}` line of a streamed answer, as it arrives."""
        response = self._send(call, body, repeatable=True, stream=True)
        try:
            if response.status_code != 200:
                response.read()
                raise self._failure(call, response, self._json(call, response))
            ended = False
            try:
                for line in response.iter_lines():
                    if not line.strip():
                        continue
                    data = self._line(call, line)
                    if "end" in data:
                        ended = True
                        break
                    yield data["batch"]
            except httpx.TransportError as exc:
                raise self.transient(call, "the stream broke off", exc) from exc
            if not ended:
                raise self.transient(call, "the stream ended before its last batch", None)
        finally:
            response.close()

    def _line(self, call: str, line: str) -> dict[str, JSON]:
        try:
            data = json.loads(line)
        except ValueError:
            raise self.garbage(call, f"a line of the stream is not JSON: {line[:80]!r}") from None
        if isinstance(data, dict) and "error" in data:
            raise self._connector_error(call, data["error"])
        if not isinstance(data, dict) or not ({"batch", "end"} & data.keys()):
            raise self.garbage(call, f"unexpected line {line[:80]!r}")
        return data

    # --- sending with retries ----------------------------------------------------------

    def _send(
        self, call: str, body: dict[str, JSON], repeatable: bool, stream: bool
    ) -> httpx.Response:
        url = f"{self.url}{p.PREFIX}{call}"
        attempt = 0
        while True:
            try:
                request = self.client.build_request("POST", url, json=body)
                response = self.client.send(request, stream=stream)
            except httpx.TransportError as exc:
                # A refused connection never reached the service: always safe to repeat.
                never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
                error = self.transient(call, _describe(exc), exc)
                if attempt >= self.retries or not (repeatable or never_sent):
                    raise error from exc
            else:
                if response.status_code < 500:
                    return response
                response.close()
                error = self.transient(call, f"it answered HTTP {response.status_code}", None)
                if attempt >= self.retries or not repeatable:
                    raise error
            self.sleep(self.backoff * 2**attempt)
            attempt += 1

    # --- answers to errors -------------------------------------------------------------

    def _json(self, call: str, response: httpx.Response) -> JSON:
        try:
            return response.json()
        except ValueError:
            if response.status_code in (401, 404):
                return None  # these are answered by status alone
            raise self.garbage(
                call, f"HTTP {response.status_code}, not JSON: {response.text[:80]!r}"
            ) from None

    def _failure(self, call: str, response: httpx.Response, data: JSON) -> ConnectorError:
        status = response.status_code
        if status == 401:
            return self._error(
                Category.CONFIG,
                call,
                f"The shared secret is wrong: the remote connector at {self.url} refused it.",
                "unauthorized",
            )
        if status == 404:
            return self._error(
                Category.CONFIG,
                call,
                f"{self.url} does not answer the call {call}: check that the URL points at "
                "a service started with 'erpsync connector serve'.",
                "not_a_connector_service",
            )
        if status in (400, 422) and isinstance(data, dict) and "error" in data:
            return self._connector_error(call, data["error"])
        return self.garbage(call, f"unexpected HTTP {status}")

    def _connector_error(self, call: str, data: JSON) -> ConnectorError:
        try:
            error = codec.decode(ConnectorError, data)
        except (ValueError, TypeError):
            return self.garbage(call, f"an unreadable error {str(data)[:80]!r}")
        return error.located(self.connector, call)

    def _error(self, category: Category, call: str, text: str, code: str) -> ConnectorError:
        return ConnectorError(category, text, code=code, connector=self.connector, call=call)

    def garbage(self, call: str, detail: str) -> ConnectorError:
        """An answer that does not follow the protocol: a bug somewhere, not worth a retry."""
        return ConnectorError(
            Category.SYSTEM,
            f"The remote connector at {self.url} gave an answer to {call} that is not "
            f"an erpsync answer.",
            detail,
            BAD_ANSWER,
            connector=self.connector,
            call=call,
        )

    def transient(self, call: str, detail: str, exc: Exception | None) -> ConnectorError:
        technical = "" if exc is None else f"{type(exc).__name__}: {exc}"
        return ConnectorError(
            Category.TRANSIENT,
            f"The remote connector at {self.url} could not be used for {call}: {detail}.",
            technical,
            "remote_unavailable",
            connector=self.connector,
            call=call,
        )


@cache
def _ssl_context() -> ssl.SSLContext:
    """Loading the CA certificates takes ~0.2 s; every connection instance shares them."""
    return httpx.create_ssl_context()


def _describe(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return "it cannot be reached"
    if isinstance(exc, httpx.TimeoutException):
        return "it did not answer in time"
    return "the connection failed"
