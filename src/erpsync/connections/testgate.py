"""The test gate (R-CONN-3): a save of configuration needs a passing test of those values.

`issue` signs, with HMAC-SHA256 under the session secret, the connector key, a digest of
exactly the tested values, the user and an expiry, plus a nonce. `redeem` checks all of
that against the values being saved and spends the nonce, so a token works once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from erpsync.connections.models import UsedTestToken
from erpsync.errors import ValidationError

TOKEN_LIFETIME = timedelta(minutes=30)


def values_digest(connector_key: str, values: dict[str, Any]) -> str:
    """A digest of the connector and every value, in a canonical form (secrets included)."""
    canonical = json.dumps(
        {"connector": connector_key, "values": values}, sort_keys=True, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class GateClaims:
    connector: str
    digest: str
    user_id: int
    expires: int
    nonce: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, payload: bytes) -> str:
    return _b64(hmac.new(secret.encode(), payload, hashlib.sha256).digest())


def issue(
    secret: str,
    connector_key: str,
    values: dict[str, Any],
    user_id: int,
    now: datetime | None = None,
) -> str:
    now = now or datetime.now(UTC)
    claims = {
        "connector": connector_key,
        "digest": values_digest(connector_key, values),
        "user_id": user_id,
        "expires": int((now + TOKEN_LIFETIME).timestamp()),
        "nonce": secrets.token_hex(16),
    }
    payload = json.dumps(claims, sort_keys=True).encode()
    return f"{_b64(payload)}.{_mac(secret, payload)}"


def _refuse(reason: str) -> ValidationError:
    return ValidationError(
        f"{reason} Test the ERP connection with these values, then save.", field="test_token"
    )


def _claims(secret: str, token: str) -> GateClaims:
    try:
        payload_part, mac = token.split(".", 1)
        payload = _unb64(payload_part)
        if not hmac.compare_digest(_mac(secret, payload), mac):
            raise ValueError("bad signature")
        return GateClaims(**json.loads(payload))
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise _refuse("The test token is not valid.") from exc


def redeem(
    session: Session,
    secret: str,
    token: str | None,
    connector_key: str,
    values: dict[str, Any],
    user_id: int,
    now: datetime | None = None,
) -> None:
    """Accept the save or raise a ValidationError saying why; spends the token."""
    if not token:
        raise _refuse("The configuration changed and has not passed a test.")
    claims = _claims(secret, token)
    now = now or datetime.now(UTC)
    if claims.expires < now.timestamp():
        raise _refuse("The test token has expired.")
    if claims.user_id != user_id:
        raise _refuse("The test token was issued to another user.")
    if claims.connector != connector_key or claims.digest != values_digest(connector_key, values):
        raise _refuse("The values differ from the ones that passed the test.")
    session.execute(delete(UsedTestToken).where(UsedTestToken.expires_at < now))
    try:
        with session.begin_nested():
            session.add(
                UsedTestToken(
                    nonce=claims.nonce, expires_at=datetime.fromtimestamp(claims.expires, UTC)
                )
            )
    except IntegrityError as exc:
        raise _refuse("The test token has already been used.") from exc
