"""Tryton's JSON-RPC over httpx: login, the session header, value encoding, and every
transport or server failure translated into the categories of the connector contract.

Tryton (8.x) answers on `POST <url>/<database>/rpc/`. `common.db.login` returns
`[user_id, session, …]`; later calls carry `Authorization: Session base64(login:id:session)`.
Dates, datetimes, Decimals and bytes travel as `{"__class__": …}` objects. Replies are
asked gzipped: large `search_read` answers are about ten times slower without it.

The password is only ever sent in the login call; no explanation or log line built
here contains it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from erpsync.sdk import Category, ConnectorError, config_error, transient_error, unknown_connection

#: Tryton stores naive UTC datetimes; everything leaving this module is tz-aware UTC.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode(value: Any) -> Any:
    """Python values to Tryton's JSON objects (recursively)."""
    if isinstance(value, datetime):
        moment = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        return {
            "__class__": "datetime",
            "year": moment.year,
            "month": moment.month,
            "day": moment.day,
            "hour": moment.hour,
            "minute": moment.minute,
            "second": moment.second,
            "microsecond": moment.microsecond,
        }
    if isinstance(value, date):
        return {"__class__": "date", "year": value.year, "month": value.month, "day": value.day}
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, timedelta):
        return {"__class__": "timedelta", "seconds": value.total_seconds()}
    if isinstance(value, bytes):
        return {"__class__": "bytes", "base64": base64.b64encode(value).decode()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    return value


def _decode_object(obj: dict[str, Any]) -> Any:
    kind = obj.get("__class__")
    if kind == "datetime":
        return datetime(
            obj["year"],
            obj["month"],
            obj["day"],
            obj.get("hour", 0),
            obj.get("minute", 0),
            obj.get("second", 0),
            obj.get("microsecond", 0),
            tzinfo=UTC,
        )
    if kind == "date":
        return date(obj["year"], obj["month"], obj["day"])
    if kind == "Decimal":
        return Decimal(obj["decimal"])
    if kind == "timedelta":
        return timedelta(seconds=obj["seconds"])
    if kind == "bytes":
        return base64.b64decode(obj["base64"])
    return obj


def stamp_us(moment: datetime) -> int:
    """Microseconds since the epoch: the integer form of a stamp in cursors."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_stamp_us(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


class TrytonClient:
    """One logged-in session on one Tryton database."""

    def __init__(self, url: str, database: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.database = database
        self.where = f"database {database!r} at {self.url}"
        try:
            self._http = httpx.Client(
                base_url=f"{self.url}/{database}/",
                headers={"Accept-Encoding": "gzip", "Content-Type": "application/json"},
                timeout=timeout,
            )
        except (httpx.InvalidURL, ValueError) as exc:
            raise _bad_url(self.url, exc) from None
        self._auth = ""
        self._id = 0
        self.user = ""
        #: The server's clock from the last reply's Date header (second precision).
        self.server_time: datetime | None = None

    def close(self) -> None:
        self._http.close()

    def login(self, user: str, password: str) -> None:
        self.user = user
        answer = self._post("common.db.login", [user, {"password": password}, "en"], login=True)
        if not isinstance(answer, list) or len(answer) < 2:
            raise config_error(
                f"Tryton refused the login of user {user!r} on {self.where}: check the user "
                "name and password.",
                f"login answered {type(answer).__name__}",
                "login",
            )
        token = f"{user}:{answer[0]}:{answer[1]}"
        self._auth = "Session " + base64.b64encode(token.encode()).decode()

    def call(self, method: str, *params: Any) -> Any:
        return self._post(method, list(params))

    def model(
        self, model: str, method: str, *params: Any, context: dict[str, Any] | None = None
    ) -> Any:
        """`model.<model>.<method>(*params, context)`: Tryton requires the context argument."""
        return self._post(f"model.{model}.{method}", [*params, context or {}])

    def search_read(
        self,
        model: str,
        domain: Sequence[Any],
        fields: Sequence[str],
        *,
        offset: int = 0,
        limit: int | None = None,
        order: Sequence[tuple[str, str]] | None = None,
        context: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        rows = self._post(
            f"model.{model}.search_read",
            [
                list(domain),
                offset,
                limit,
                [list(o) for o in order or []],
                list(fields),
                context or {},
            ],
        )
        return list(rows or [])

    # --- transport -------------------------------------------------------------------

    def _post(self, method: str, params: list[Any], *, login: bool = False) -> Any:
        self._id += 1
        body = json.dumps({"id": self._id, "method": method, "params": encode(params)})
        headers = {} if login or not self._auth else {"Authorization": self._auth}
        try:
            reply = self._http.post("rpc/", content=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise transient_error(
                f"Tryton at {self.url} did not answer in time; try again later.", repr(exc)
            ) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise _bad_url(self.url, exc) from None
        except httpx.HTTPError as exc:
            raise transient_error(
                f"Tryton at {self.url} cannot be reached: check the server URL and that the "
                "server runs.",
                repr(exc),
                "unreachable",
            ) from None
        return self._answer(method, reply, login)

    def _answer(self, method: str, reply: httpx.Response, login: bool) -> Any:
        status = reply.status_code
        self.server_time = _date_header(reply)
        if status == 404:
            raise config_error(
                f"Tryton at {self.url} has no database {self.database!r} (or the URL does not "
                "point to a Tryton server): check the database name and the server URL.",
                f"HTTP 404 on {method}",
                "database",
            )
        if status in (401, 403) and login:
            raise config_error(
                f"Tryton refused the login of user {self.user!r} on {self.where}: check the "
                "user name and password.",
                f"HTTP {status} on login",
                "login",
            )
        if status == 401:
            raise unknown_connection(f"HTTP 401 on {method}: the session expired")
        if status == 403:
            raise config_error(
                f"User {self.user!r} may not do {method} on {self.where}.",
                f"HTTP 403 on {method}",
                "access",
            )
        if status == 429 or status >= 500:
            raise transient_error(
                f"Tryton at {self.url} is busy or failing (HTTP {status}); try again later.",
                reply.text[:500],
            )
        try:
            payload = json.loads(reply.content, object_hook=_decode_object)
        except ValueError:
            raise config_error(
                f"{self.url} does not answer like a Tryton server (HTTP {status}): check the "
                "server URL.",
                reply.text[:200],
                "not_tryton",
            ) from None
        if not isinstance(payload, dict):
            raise config_error(f"{self.url} does not answer like a Tryton server.", str(payload))
        if "error" in payload and payload["error"] is not None:
            raise _server_error(method, payload["error"])
        return payload.get("result")


def _date_header(reply: httpx.Response) -> datetime | None:
    try:
        return parsedate_to_datetime(reply.headers["date"]).astimezone(UTC)
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def _bad_url(url: str, exc: Exception) -> ConnectorError:
    return config_error(
        f"{url!r} is not a valid server URL: write it like http://erp.example.com:8000.",
        repr(exc),
        "url",
    )


def _server_error(method: str, error: Any) -> ConnectorError:
    """Tryton's `["UserError", [message, description, …]]` and friends."""
    kind = error[0] if isinstance(error, list) and error else str(error)
    detail = error[1] if isinstance(error, list) and len(error) > 1 else ""
    if kind in ("UserError", "UserWarning", "RequiredValidationError") or (
        isinstance(kind, str) and kind.endswith("ValidationError")
    ):
        parts = detail if isinstance(detail, list) else [detail]
        text = " ".join(str(p) for p in parts[:2] if p)
        return ConnectorError(Category.DATA, f"Tryton refused: {text}", f"{method}: {error}")
    if kind == "ConcurrencyException":
        return transient_error("The record was changed at the same time; try again.", str(error))
    if kind in ("AccessError", "AccessButtonError"):
        return config_error(f"Tryton denied access: {detail}", f"{method}: {error}", "access")
    return ConnectorError(
        Category.SYSTEM, f"Tryton failed on {method}: {kind}", f"{method}: {error}", "server"
    )
