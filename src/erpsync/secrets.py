"""Encryption of configuration secrets at rest with MultiFernet (key rotation).

The first key encrypts; every key decrypts. Rotation re-encrypts stored tokens under the
first key (`erpsync secrets rotate`).
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from erpsync.errors import ConfigError


class SecretBox:
    """Encrypts and decrypts short secrets such as ERP passwords."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ConfigError("No secret key is configured (ERPSYNC_SECRET_KEYS).")
        try:
            self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        except ValueError as exc:
            raise ConfigError(
                "A secret key in ERPSYNC_SECRET_KEYS is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from exc

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ConfigError(
                "A stored secret cannot be decrypted with the configured keys; "
                "was a key removed from ERPSYNC_SECRET_KEYS?"
            ) from exc

    def rotate(self, token: str) -> str:
        return self._fernet.rotate(token.encode()).decode()
