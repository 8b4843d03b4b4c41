"""Reaching a connection's connector wherever it runs (R-CONN-7, R-SDK-7): one way for
the engine, imports, the ERP tab, pricing, mapping and activation alike.

    endpoint = hosts.endpoint(keys, connection)   # inside the transaction
    with endpoint.opened() as host:               # outside it: ERP calls take time
        host.actor_types()

An `Endpoint` is everything needed to open the connector, read once from the database:
an installed connector by key, or a `RemoteConnector` at the connection's URL with its
shared secret decrypted. Both come wrapped in `ConnectorHost` (same timeouts, checks
and failure categories); a remote one whose service offers pricing works with
`PricingHost` too. A remote service that cannot be reached is a `transient` error, a
wrong shared secret a `config` error naming the URL (never the secret).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from erpsync.connections import catalog, remote
from erpsync.connections.models import REMOTE_CONNECTOR, Connection
from erpsync.connections.storage import Keys, stored_values
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Category, Response
from erpsync.sdk.pricing import has_pricing
from erpsync.sdk.remote.client import described


@dataclass(frozen=True)
class Endpoint:
    """A connection's connector, ready to be opened (secrets in clear: never output)."""

    connection_id: int
    name: str
    connector_key: str
    timeout: float
    values: dict[str, Any] = field(repr=False)
    remote_url: str | None = None
    remote_secret: str | None = field(default=None, repr=False)

    @property
    def is_remote(self) -> bool:
        return self.connector_key == REMOTE_CONNECTOR

    def host(self) -> ConnectorHost:
        """A host of the connector, not opened yet; a remote one asks its service first."""
        if not self.is_remote:
            return catalog.host(self.connector_key, self.timeout)
        if not self.remote_url or not self.remote_secret:
            raise ConnectorError(
                Category.CONFIG,
                f"The connection '{self.name}' has no URL or shared secret of its remote "
                "connector; edit the connection.",
                code="no_remote_target",
                connector=REMOTE_CONNECTOR,
            )
        return remote.host(self.remote_url, self.remote_secret, self.timeout)

    def open(self) -> ConnectorHost:
        """A host opened on the connection (closed again when opening fails)."""
        host = self.host()
        try:
            host.open(str(self.connection_id), self.values)
        except BaseException:
            with suppress(ConnectorError):
                host.close()
            raise
        return host

    @contextmanager
    def opened(self) -> Iterator[ConnectorHost]:
        """A host opened on the connection and closed afterwards (R-SEM-7)."""
        host = self.open()
        try:
            yield host
        finally:
            with suppress(ConnectorError):
                host.close()

    def test(self) -> Response:
        """The connector's verdict on the stored values now; never raises for its faults."""
        try:
            return self.host().test_config(self.values)
        except ConnectorError as exc:
            return exc.to_response()


def endpoint(keys: Keys, connection: Connection) -> Endpoint:
    """The endpoint of a connection (read its rows inside a transaction)."""
    secret = connection.remote_secret
    return Endpoint(
        connection.id,
        connection.name,
        connection.connector_key,
        connection.timeout,
        stored_values(keys, connection),
        connection.remote_url if connection.is_remote else None,
        keys.box.decrypt(secret) if connection.is_remote and secret else None,
    )


def host_for(keys: Keys, connection: Connection) -> ConnectorHost:
    """A host of the connection's connector, not opened yet."""
    return endpoint(keys, connection).host()


def offers_pricing(connection: Connection) -> bool:
    """Whether the connector has price lists and products, without asking any ERP.

    A remote service says so when described; until this process has talked to it, it
    is taken to offer them (the first pricing call tells, with `no_pricing`)."""
    if connection.is_remote:
        known = described(connection.remote_url) if connection.remote_url else None
        return known is None or has_pricing(known)
    if not catalog.is_installed(connection.connector_key):
        return False
    return has_pricing(catalog.connector_class(connection.connector_key))
