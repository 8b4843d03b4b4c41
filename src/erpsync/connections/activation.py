"""The activation checklist (R-CONN-5): every reason a connection may not be activated.

Checks are functions registered in order; the mapping part adds its own (actor type
mapped, mandatory fields covered, lists mapped, priority ties) with `register`. Each
gets the connection's `Endpoint` (its stored values and the way to its connector,
installed or remote), so a check that asks the ERP works for every connection.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sqlalchemy.orm import Session

from erpsync.connections import catalog
from erpsync.connections.explain import explanation
from erpsync.connections.hosts import Endpoint
from erpsync.connections.models import Connection

Check = Callable[[Session, Connection, Endpoint], list[str]]
_CHECKS: list[Check] = []
# Modules that register checks on import; loaded before the first activation.
CHECK_MODULES = ("erpsync.mapping.checks",)


def register(check: Check) -> Check:
    if check not in _CHECKS:
        _CHECKS.append(check)
    return check


@register
def connector_installed(session: Session, connection: Connection, endpoint: Endpoint) -> list[str]:
    if connection.is_remote or catalog.is_installed(connection.connector_key):
        return []  # a remote connector is tested through its service (`tests_ok_now`)
    return [f"The connector '{connection.connector_key}' is not installed."]


@register
def tests_ok_now(session: Session, connection: Connection, endpoint: Endpoint) -> list[str]:
    if not connection.is_remote and not catalog.is_installed(connection.connector_key):
        return []
    response = endpoint.test()
    if response.ok:
        return []
    # Activation is for administrators: they read the technical detail too.
    return [f"The connection does not test OK now: {explanation(response, admin=True)}"]


def reasons(session: Session, connection: Connection, endpoint: Endpoint) -> list[str]:
    for module in CHECK_MODULES:
        importlib.import_module(module)
    found: list[str] = []
    for check in _CHECKS:
        found.extend(check(session, connection, endpoint))
    return found
