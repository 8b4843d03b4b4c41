"""The one exception a connector raises, and the codes the host understands.

A connector package needs nothing else from erpsync: `ConnectorError` carries the
category that decides what the engine does (R-SDK-6). The host fills in which
connector and call failed, and, for one bad record, its key and field.
"""

from __future__ import annotations

from erpsync.sdk.model import Category, Response, State

#: The connection behind the connector is gone (session expired, handle closed):
#: the host re-opens it and retries the call once.
UNKNOWN_CONNECTION = "unknown_connection"
#: The host's timeout ran out.
TIMEOUT = "timeout"
#: The host refused an answer of the connector (see `erpsync.sdk.host`).
BAD_ANSWER = "bad_answer"
#: An unexpected exception inside the connector.
CRASHED = "crashed"


class ConnectorError(Exception):
    """A failure of a connector call, with the category that decides what happens next."""

    def __init__(
        self,
        category: Category | str,
        user_explanation: str,
        technical_explanation: str = "",
        code: str = "",
        *,
        connector: str = "",
        call: str = "",
        actor_key: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(user_explanation)
        self.category = Category(category)
        self.user_explanation = user_explanation
        self.technical_explanation = technical_explanation
        self.code = code
        self.connector = connector
        self.call = call
        self.actor_key = actor_key
        self.field = field

    def __str__(self) -> str:
        where = [f"connector {self.connector!r}"] if self.connector else []
        if self.call:
            where.append(f"call {self.call}")
        if self.actor_key is not None:
            where.append(f"record {self.actor_key!r}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        prefix = f"[{self.category}{', ' + ', '.join(where) if where else ''}] "
        detail = f" ({self.technical_explanation})" if self.technical_explanation else ""
        return prefix + self.user_explanation + detail

    def located(self, connector: str, call: str) -> ConnectorError:
        """Fill in the connector and call where the connector left them empty."""
        self.connector = self.connector or connector
        self.call = self.call or call
        return self

    def to_response(self) -> Response:
        return Response(
            ok=False,
            state=State.ERROR,
            user_explanation=self.user_explanation,
            technical_explanation=self.technical_explanation,
            error_code=self.code,
            category=self.category,
        )

    @classmethod
    def from_response(
        cls, response: Response, *, connector: str = "", call: str = ""
    ) -> ConnectorError:
        return cls(
            response.category or Category.SYSTEM,
            response.user_explanation,
            response.technical_explanation,
            response.error_code,
            connector=connector,
            call=call,
        )


def config_error(user: str, technical: str = "", code: str = "") -> ConnectorError:
    return ConnectorError(Category.CONFIG, user, technical, code)


def transient_error(user: str, technical: str = "", code: str = "") -> ConnectorError:
    return ConnectorError(Category.TRANSIENT, user, technical, code)


def data_error(
    user: str,
    technical: str = "",
    code: str = "",
    *,
    key: str | None = None,
    field: str | None = None,
) -> ConnectorError:
    return ConnectorError(Category.DATA, user, technical, code, actor_key=key, field=field)


def unknown_connection(technical: str = "") -> ConnectorError:
    """Raise this when the ERP session is gone; the host re-opens and retries once."""
    return ConnectorError(
        Category.TRANSIENT, "The connection to the ERP was lost.", technical, UNKNOWN_CONNECTION
    )
