"""The secrets an imported document needs (R-MAP-7, R-CONN-4, R-CONN-7).

A document names its secrets (`connection.secrets`), never their values: the
connector's `Password` fields that held a value, and for a remote connection the
shared secret of its service (`remote_secret`). An import gets them apart from the
document (CLI `--secret` or a hidden prompt, API `secrets`); one that is neither given
nor kept by the connection of the same name is missing, and named.

The secret fields of a remote connector are its service's: they are asked of the
service at `connection.remote_url` with the shared secret, so a refused secret is named
as `secrets.remote_secret` and an unreachable service as `connection.remote_url`.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erpsync.connections import catalog, remote
from erpsync.connections.models import REMOTE_CONNECTOR, Connection
from erpsync.connections.storage import Keys
from erpsync.errors import ErpSyncError, ValidationError
from erpsync.exchange.document import ConnectionDocument
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.model import Field, FieldType

#: The name of a remote connection's shared secret among the document's secrets.
REMOTE_SECRET = "remote_secret"
REMOTE_SECRET_NAME = "Shared secret of the remote connector"


def existing(session: Session, name: str) -> Connection | None:
    """The live connection the document's name refers to, if any."""
    return session.scalar(
        select(Connection).where(
            func.lower(Connection.name) == name.strip().lower(), Connection.deleted_at.is_(None)
        )
    )


def is_remote(document: ConnectionDocument) -> bool:
    return document.connection.connector == REMOTE_CONNECTOR


def _kept(session: Session, document: ConnectionDocument) -> set[str]:
    """Secrets the connection of the same name holds and an import may keep."""
    found = existing(session, document.connection.name)
    if found is None or found.connector_key != document.connection.connector:
        return set()
    kept = {item.key for item in found.values if item.secret and item.value}
    if found.is_remote and found.remote_secret:
        kept.add(REMOTE_SECRET)
    return kept


def needed(document: ConnectionDocument) -> list[str]:
    """The secrets the document names; a remote connection always needs its shared one."""
    names = list(document.connection.secrets)
    if is_remote(document) and REMOTE_SECRET not in names:
        names.insert(0, REMOTE_SECRET)
    return names


def missing_secrets(
    session: Session, document: ConnectionDocument, given: dict[str, str]
) -> dict[str, str]:
    """Secrets the document needs that are neither given nor stored: key → display name.

    Asks no remote service (it runs before the secrets are asked for)."""
    if is_remote(document):
        names = {REMOTE_SECRET: REMOTE_SECRET_NAME}
    else:
        names = _installed_fields(document)
    kept = _kept(session, document)
    return {
        key: names.get(key, key)
        for key in needed(document)
        if not given.get(key) and key not in kept
    }


def _installed_fields(document: ConnectionDocument) -> dict[str, str]:
    try:
        fields = catalog.config_fields(document.connection.connector)
    except ErpSyncError as exc:
        raise ValidationError(
            f"connection.connector: {exc.message}", field="connection.connector"
        ) from None
    return _passwords(fields)


def _passwords(fields: list[Field]) -> dict[str, str]:
    return {f.key: f.display_name for f in fields if f.type is FieldType.PASSWORD}


def _stored_shared_secret(keys: Keys, session: Session, document: ConnectionDocument) -> str | None:
    found = existing(session, document.connection.name)
    if found is None or not found.is_remote or not found.remote_secret:
        return None
    return keys.box.decrypt(found.remote_secret)


def _remote_fields(
    keys: Keys, session: Session, document: ConnectionDocument, given: dict[str, str]
) -> dict[str, str]:
    """The remote service's secret fields, plus its shared secret; asks the service."""
    doc = document.connection
    assert doc.remote_url is not None  # checked by `check_target`
    secret = given.get(REMOTE_SECRET) or _stored_shared_secret(keys, session, document)
    if not secret:
        _raise_missing(session, document, given)
    assert secret is not None
    try:
        fields = remote.host(doc.remote_url, secret, doc.sync.timeout).config_fields()
    except ConnectorError as exc:
        refused = exc.code == "unauthorized"
        where = f"secrets.{REMOTE_SECRET}" if refused else "connection.remote_url"
        raise ValidationError(f"{where}: {exc.user_explanation}", field=where) from None
    passwords = _passwords(fields)
    if REMOTE_SECRET in passwords:
        raise ValidationError(
            f"connection.remote_url: the remote connector has a secret field named "
            f"'{REMOTE_SECRET}', the name this document gives the shared secret",
            field="connection.remote_url",
        )
    return {REMOTE_SECRET: REMOTE_SECRET_NAME, **passwords}


def check_target(document: ConnectionDocument) -> None:
    """A remote connection names its service's URL; only a remote one does."""
    doc = document.connection
    if is_remote(document) and not doc.remote_url:
        raise ValidationError(
            "connection.remote_url: a remote connection needs the URL of its service",
            field="connection.remote_url",
        )
    if not is_remote(document) and doc.remote_url:
        raise ValidationError(
            f"connection.remote_url: only a remote connection (connector: {REMOTE_CONNECTOR}) "
            f"has a URL; this one uses the installed connector '{doc.connector}'",
            field="connection.remote_url",
        )


def _raise_missing(session: Session, document: ConnectionDocument, given: dict[str, str]) -> None:
    missing = missing_secrets(session, document, given)
    if missing:
        names = ", ".join(f"{key} ({name})" for key, name in missing.items())
        first = next(iter(missing))
        raise ValidationError(
            f"secrets.{first}: the document needs the secret(s) {names}; give them "
            "with the import (they are never exported)",
            field=f"secrets.{first}",
            missing=sorted(missing),
        )


def check_secrets(
    keys: Keys, session: Session, document: ConnectionDocument, given: dict[str, str]
) -> None:
    """Every secret the document names is one of the connector's, none is in the
    document, every given one is known, and none is missing."""
    check_target(document)
    if is_remote(document):
        secrets = _remote_fields(keys, session, document, given)
    else:
        secrets = _installed_fields(document)
    for index, key in enumerate(document.connection.secrets):
        if key not in secrets:
            raise ValidationError(
                f"connection.secrets[{index}]: '{key}' is not a secret field of the connector "
                f"'{document.connection.connector}'",
                field=f"connection.secrets[{index}]",
            )
    for key in document.connection.config:
        if key in secrets:
            raise ValidationError(
                f"connection.config.{key}: a secret never goes in the document; "
                "give it apart (CLI --secret, API `secrets`)",
                field=f"connection.config.{key}",
            )
    for key in given:
        if key not in secrets:
            raise ValidationError(
                f"secrets.{key}: not a secret field of the connector; "
                f"its secrets are: {', '.join(secrets) or 'none'}",
                field=f"secrets.{key}",
            )
    _raise_missing(session, document, given)
