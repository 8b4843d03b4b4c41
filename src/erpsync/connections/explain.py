"""What a connector's failure says to whom (R-CONN-6, R-SDK-6).

A connector explains a failure twice: for the user, and technically (a file path, a
host, an exception, a traceback). Users read the user explanation only; administrators,
who fix connections, read the technical one too. Neither ever holds a secret: that is
the connector's contract.
"""

from __future__ import annotations

from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.model import Response

MAX_TECHNICAL = 400


def explanation(failure: ConnectorError | Response, admin: bool) -> str:
    """The user explanation; for administrators followed by the technical detail."""
    user = failure.user_explanation
    detail = technical_detail(failure.technical_explanation or "")
    if not admin or not detail or detail in user:
        return user
    return f"{user} (Details: {detail})"


def technical_detail(technical: str) -> str:
    """One line of a technical explanation: a traceback gives its last line (the error)."""
    lines = [line.strip() for line in technical.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[-1] if lines[0].startswith("Traceback") else " ".join(lines)
    return line if len(line) <= MAX_TECHNICAL else line[: MAX_TECHNICAL - 1] + "…"
