"""Secrets at rest: webhook secrets only sealed, API keys only as SHA-256, on both backends."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import Engine, text

from polywire.domain.roles import Role
from polywire.secretbox import SecretBox
from polywire.services.inputs import EndpointIn, SubscriberIn
from polywire.services.keys import authenticate, create_key
from polywire.services.subscribers import EndpointPolicy, create_subscriber

GIVEN_SECRET = "whsec_" + base64.b64encode(b"polywire-test-secret-32-bytes!!!").decode()


def _raw(value: Any) -> bytes:
    """A column value as the bytes the database handed back (no decryption, no decoding)."""
    if value is None:
        return b""
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value)
    return str(value).encode()


def _needles(secret: str) -> list[bytes]:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    return [secret.encode(), secret.removeprefix("whsec_").encode(), key, key.hex().encode()]


def _sqlite_files(engine: Engine) -> list[Path]:
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return []
    base = Path(engine.url.database)
    return [p for p in (base, base.with_name(base.name + "-wal")) if p.exists()]


def test_endpoint_secrets_are_stored_sealed_never_in_clear(migrated: Engine) -> None:
    """No column of the endpoints table (nor the SQLite files) holds a secret in clear; the sealed form opens."""
    box = SecretBox(Fernet.generate_key())
    policy = EndpointPolicy(box=box, allow_private=True)
    draft = SubscriberIn(
        name="Daily Planet",
        kind="outlet",
        endpoints=[
            EndpointIn(type="webhook", url="http://127.0.0.1:9/given", secret=GIVEN_SECRET),
            EndpointIn(type="webhook", url="http://127.0.0.1:9/generated"),
        ],
    )
    with migrated.begin() as db:
        created = create_subscriber(db=db, draft=draft, policy=policy)
    secrets = {ep["id"]: ep["secret"] for ep in created["endpoints"]}
    assert secrets[created["endpoints"][0]["id"]] == GIVEN_SECRET
    with migrated.connect() as db:
        rows = db.execute(text("SELECT * FROM endpoints")).mappings().all()
    assert len(rows) == 2
    for row in rows:
        raw = b"\x00".join(_raw(value) for value in row.values())
        for secret in secrets.values():
            for needle in _needles(secret):
                assert needle not in raw, f"endpoint {row['id']} stores its secret in clear"
        assert box.open(_raw(row["secret_enc"])) == secrets[row["id"]]
    for path in _sqlite_files(migrated):
        content = path.read_bytes()
        for secret in secrets.values():
            assert all(needle not in content for needle in _needles(secret)), f"secret in clear in {path.name}"


def test_api_keys_are_stored_as_sha256_only(migrated: Engine) -> None:
    """The api_keys row holds the SHA-256 of the key and a short display prefix, never the key itself."""
    with migrated.begin() as db:
        principal, token = create_key(db=db, role=Role.PUBLISHER, name="acme-press", organization="Acme")
    with migrated.connect() as db:
        rows = db.execute(text("SELECT * FROM api_keys")).mappings().all()
        assert authenticate(db=db, token=token) == principal
        assert authenticate(db=db, token=token + "x") is None
    (row,) = rows
    assert row["key_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(row["prefix"]) and len(row["prefix"]) <= 12
    secret_part = token[len(row["prefix"]) :]
    assert len(secret_part) >= 32
    raw = b"\x00".join(_raw(value) for value in row.values())
    assert token.encode() not in raw
    # Not even a fragment of the part after the display prefix (any 8 characters of it) is stored.
    fragments = {secret_part[i : i + 8].encode() for i in range(len(secret_part) - 7)}
    assert not any(fragment in raw for fragment in fragments)
    for path in _sqlite_files(migrated):
        content = path.read_bytes()
        assert not any(fragment in content for fragment in fragments), f"API key in clear in {path.name}"
