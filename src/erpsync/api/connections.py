"""API of connectors and ERP connections (R-CONN-1…7, R-UI-1).

Reads follow the connection's scope (outside it: 404, absent from lists); writes,
tests and activation are for administrators.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status

from erpsync.api.deps import AdminUser, CurrentUser, DatabaseDep, RecordId, SettingsDep
from erpsync.connections import catalog, service
from erpsync.connections.schemas import (
    ActivationResult,
    ConnectionCreate,
    ConnectionRead,
    ConnectionSummary,
    ConnectionTest,
    ConnectionUpdate,
    TestResult,
)
from erpsync.errors import Conflict
from erpsync.secrets import SecretBox

router = APIRouter(tags=["connections"])


def connection_keys(settings: SettingsDep) -> service.Keys:
    return service.Keys(SecretBox(settings.secret_keys), settings.session_secret)


KeysDep = Annotated[service.Keys, Depends(connection_keys)]


@router.get("/connectors")
def list_connectors(user: CurrentUser) -> list[dict[str, Any]]:
    """Installed connectors; a plug-in that failed to load carries its `load_error`."""
    return [info.as_dict() for info in catalog.installed()]


@router.get("/connectors/{key}/config-fields")
def connector_config_fields(key: str, admin: AdminUser) -> list[dict[str, Any]]:
    """The configuration fields the connection dialog renders for this connector."""
    return [catalog.field_dict(field) for field in catalog.config_fields(key)]


# Administrators get the whole connection; users in scope its summary (R-CONN-6).
Seen = ConnectionRead | ConnectionSummary


@router.get("/connections", response_model=list[Seen])
def list_connections(
    user: CurrentUser, database: DatabaseDep, include_deleted: bool = False
) -> list[ConnectionSummary]:
    """Connections in the reader's scope; configuration and grants only for administrators."""
    with database.read_session() as session:
        found = service.list_visible(session, user, include_deleted)
        return [service.view(session, user, connection) for connection in found]


@router.post("/connections/test", response_model=TestResult)
def test_connection(
    data: ConnectionTest, admin: AdminUser, database: DatabaseDep, keys: KeysDep
) -> TestResult:
    """Run the connector's test of these values; a pass returns the token a save needs."""
    with database.session() as session:
        return service.test(session, keys, admin, data)


@router.post("/connections", response_model=ConnectionRead, status_code=status.HTTP_201_CREATED)
def create_connection(
    data: ConnectionCreate, admin: AdminUser, database: DatabaseDep, keys: KeysDep
) -> ConnectionRead:
    with database.session() as session:
        return service.to_read(session, service.create(session, keys, admin, data))


@router.get("/connections/{connection_id}", response_model=Seen)
def get_connection(
    connection_id: RecordId, user: CurrentUser, database: DatabaseDep
) -> ConnectionSummary:
    """One connection; configuration and grants only for administrators."""
    with database.read_session() as session:
        return service.view(session, user, service.get(session, user, connection_id))


@router.patch("/connections/{connection_id}", response_model=ConnectionRead)
def update_connection(
    connection_id: RecordId,
    data: ConnectionUpdate,
    admin: AdminUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> ConnectionRead:
    """Name, description, scope and priority need no test; connector and values do."""
    with database.session() as session:
        connection = service.update(session, keys, admin, connection_id, data)
        return service.to_read(session, connection)


@router.delete("/connections/{connection_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_connection(connection_id: RecordId, admin: AdminUser, database: DatabaseDep) -> Response:
    """Soft delete: links and history stay, and the connection can be restored."""
    with database.session() as session:
        service.delete(session, admin, connection_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/connections/{connection_id}/restore", response_model=ConnectionRead)
def restore_connection(
    connection_id: RecordId, admin: AdminUser, database: DatabaseDep
) -> ConnectionRead:
    with database.session() as session:
        return service.to_read(session, service.restore(session, admin, connection_id))


@router.post("/connections/{connection_id}/activate", response_model=ActivationResult)
def activate_connection(
    connection_id: RecordId, admin: AdminUser, database: DatabaseDep, keys: KeysDep
) -> ActivationResult:
    """Shows the ERP tab to users in scope once the checklist passes. Otherwise 409 lists
    every reason and says whether the connection is still `active` (it stays as it was)."""
    with database.session() as session:
        result = service.activate(session, keys, admin, connection_id)
    if result.refused:
        raise Conflict(
            f"{result.refusal} {' '.join(result.reasons)}",
            reasons=result.reasons,
            active=result.active,
        )
    return result


@router.post("/connections/{connection_id}/deactivate", response_model=ConnectionRead)
def deactivate_connection(
    connection_id: RecordId, admin: AdminUser, database: DatabaseDep
) -> ConnectionRead:
    with database.session() as session:
        return service.to_read(session, service.deactivate(session, admin, connection_id))
