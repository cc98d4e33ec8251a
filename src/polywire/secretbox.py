"""Encryption at rest for secrets polywire must be able to read back (webhook signing secrets).

The master key comes from ``POLYWIRE_SECRET_KEY`` or, on the embedded default, from a key file created once
under the data directory with owner-only permissions. Fernet (AES-128-CBC + HMAC-SHA256) from the maintained
``cryptography`` package does the work; we only decide where the key lives.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken


class SecretBox:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    @classmethod
    def from_settings(cls, *, secret_key: str | None, data_dir: Path) -> SecretBox:
        if secret_key:
            return cls(secret_key.encode())
        path = data_dir / "secret.key"
        if not path.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            # O_EXCL makes two processes starting together agree on one key instead of overwriting each other.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(Fernet.generate_key())
        return cls(path.read_bytes().strip())

    def seal(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode())

    def open(self, sealed: bytes) -> str:
        try:
            return self._fernet.decrypt(sealed).decode()
        except InvalidToken as exc:
            raise ValueError("secret cannot be decrypted with this master key") from exc
