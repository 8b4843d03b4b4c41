"""The Tryton connector (R-CON-2): parties, addresses, contact mechanisms and lists of a
Tryton database over JSON-RPC. Imports only `erpsync.sdk` (and httpx)."""

from erpsync.connectors.tryton.connector import TrytonConnector

__all__ = ["TrytonConnector"]
