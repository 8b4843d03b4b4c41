"""API of connection export and import as YAML (R-MAP-7); administrators only.

Export answers `application/yaml` without any secret. Import takes the document's
text and the secrets apart from it; a missing secret, a failing connector test or any
bad value answers 422 naming its path in the document, and nothing is written.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from erpsync.api.connections import KeysDep
from erpsync.api.deps import AdminUser, DatabaseDep, RecordId
from erpsync.connections import service as connections
from erpsync.connections.schemas import ConnectionRead
from erpsync.exchange import apply, document, export

router = APIRouter(tags=["connections"])
YAML = "application/yaml"


class ImportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: str = Field(min_length=1, max_length=document.MAX_BYTES, description="YAML text.")
    secrets: dict[str, str] = Field(
        default_factory=dict, description="Secret configuration values by key (never exported)."
    )


class ImportRead(BaseModel):
    connection: ConnectionRead
    created: bool
    active: bool
    reasons: list[str] = Field(description="Why activation was refused, when it was asked for.")


@router.get(
    "/connections/{connection_id}/export",
    response_class=Response,
    responses={200: {"content": {YAML: {}}, "description": "The connection as YAML."}},
)
def export_connection(
    connection_id: RecordId, admin: AdminUser, database: DatabaseDep, keys: KeysDep
) -> Response:
    """The whole configuration of the connection, without secrets."""
    with database.read_session() as session:
        found = export.export(session, keys, admin, connection_id)
    filename = "".join(c if c.isalnum() or c in "-_" else "-" for c in found.connection.name)
    return Response(
        document.dump(found),
        media_type=YAML,
        headers={"Content-Disposition": f'attachment; filename="{filename}.yaml"'},
    )


@router.post("/connections/import", response_model=ImportRead)
def import_connection(
    data: ImportIn, admin: AdminUser, database: DatabaseDep, keys: KeysDep, response: Response
) -> ImportRead:
    """Create or update the connection named in the document, with its whole mapping."""
    parsed = document.parse(data.document)
    with database.session() as session:
        result = apply.import_document(session, keys, admin, parsed, data.secrets)
        read = connections.to_read(session, result.connection)
    response.status_code = 201 if result.created else 200
    return ImportRead(
        connection=read, created=result.created, active=result.active, reasons=result.reasons
    )
