"""Connections to a remote connector (R-CONN-7, R-SDK-7): a URL and a shared secret take
the place of an installed connector. The configuration fields and the test come from
the remote service; the secret is kept encrypted like every other secret (R-CONN-4).

A test token of a remote connection signs the URL and the secret too, so a save must
use exactly the service that passed the test.
"""

from __future__ import annotations

from typing import Any

from erpsync.connections.models import Connection
from erpsync.errors import ValidationError
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import Field
from erpsync.sdk.remote.client import RemoteConnector
from erpsync.secrets import SecretBox

#: Keys under which the remote target joins the values a test token signs; a connector's
#: own field keys never start with "@".
URL_KEY = "@remote_url"
SECRET_KEY = "@remote_secret"


def target(
    box: SecretBox, url: Any, secret: str | None, previous: Connection | None
) -> tuple[str, str]:
    """The URL and secret to use: the given ones, else (on an edit) the stored ones."""
    chosen_url = str(url) if url else (previous.remote_url if previous is not None else None)
    stored = previous.remote_secret if previous is not None else None
    chosen_secret = secret or (box.decrypt(stored) if stored else None)
    if not chosen_url:
        raise ValidationError(
            "remote_url: enter the URL of the remote connector service.", field="remote_url"
        )
    if not chosen_secret:
        raise ValidationError(
            "remote_secret: enter the shared secret of the remote connector service.",
            field="remote_secret",
        )
    return chosen_url.rstrip("/"), chosen_secret


def host(url: str, secret: str, timeout: float) -> ConnectorHost:
    """A host of the remote connector; an unreachable service raises ConnectorError."""
    return ConnectorHost(RemoteConnector(url, secret, timeout=timeout), timeout=timeout)


def fields(url: str, secret: str, timeout: float) -> list[Field]:
    """The remote connector's configuration fields; a failure names `remote_url`."""
    try:
        return host(url, secret, timeout).config_fields()
    except ConnectorError as exc:
        raise ValidationError(
            f"remote_url: the remote connector at {url} cannot be reached or refused: "
            f"{exc.user_explanation}",
            field="remote_url",
        ) from exc


def signed(values: dict[str, Any], url: str, secret: str) -> dict[str, Any]:
    """What a test token of a remote connection signs: the values and the target."""
    return {**values, URL_KEY: url, SECRET_KEY: secret}
