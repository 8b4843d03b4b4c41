"""The activation checklist (R-CONN-5): every reason a connection may not be activated.

Checks are functions registered in order; the mapping part adds its own (actor type
mapped, mandatory fields covered, lists mapped, priority ties) with `register`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from erpsync.connections import catalog
from erpsync.connections.models import Connection

Check = Callable[[Session, Connection, dict[str, Any]], list[str]]
_CHECKS: list[Check] = []
# Modules that register checks on import; loaded before the first activation.
CHECK_MODULES = ("erpsync.mapping.checks",)


def register(check: Check) -> Check:
    if check not in _CHECKS:
        _CHECKS.append(check)
    return check


@register
def connector_installed(
    session: Session, connection: Connection, values: dict[str, Any]
) -> list[str]:
    if connection.is_remote or catalog.is_installed(connection.connector_key):
        return []  # a remote connector is tested through its service (`remote.tested`)
    return [f"The connector '{connection.connector_key}' is not installed."]


@register
def tests_ok_now(session: Session, connection: Connection, values: dict[str, Any]) -> list[str]:
    if not catalog.is_installed(connection.connector_key):
        return []
    response = catalog.test_config(connection.connector_key, values)
    if response.ok:
        return []
    return [f"The connection does not test OK now: {response.user_explanation}"]


def reasons(session: Session, connection: Connection, values: dict[str, Any]) -> list[str]:
    for module in CHECK_MODULES:
        importlib.import_module(module)
    found: list[str] = []
    for check in _CHECKS:
        found.extend(check(session, connection, values))
    return found
