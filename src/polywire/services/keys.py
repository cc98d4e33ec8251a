"""API keys: create them (the plaintext is shown once) and turn a bearer token back into a Principal."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Connection, select

from polywire.clock import utc_now
from polywire.domain.roles import Principal, Role
from polywire.errors import InvalidInput
from polywire.ids import new_id
from polywire.store.tables import api_keys, subscribers

KEY_PREFIX = "pwk_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_key(
    *,
    db: Connection,
    role: Role,
    name: str,
    organization: str | None = None,
    subscriber_id: str | None = None,
) -> tuple[Principal, str]:
    """Store a new key (hashed) and return it with its plaintext, which is never stored or shown again."""
    if not name.strip():
        raise InvalidInput("name", "must not be empty")
    if role is Role.PUBLISHER and not organization:
        raise InvalidInput("org", "a publisher key needs the organisation whose releases it submits")
    if role is Role.SUBSCRIBER:
        if not subscriber_id:
            raise InvalidInput("subscriber", "a subscriber key needs the id of the subscriber it speaks for")
        found = db.execute(
            select(subscribers.c.id).where(subscribers.c.id == subscriber_id, subscribers.c.deleted_at.is_(None))
        ).first()
        if found is None:
            raise InvalidInput("subscriber", f"no subscriber {subscriber_id}")
    token = KEY_PREFIX + secrets.token_urlsafe(32)
    key_id = new_id("key")
    db.execute(
        api_keys.insert().values(
            id=key_id,
            name=name.strip(),
            role=role.value,
            organization=organization,
            subscriber_id=subscriber_id,
            key_hash=_digest(token),
            prefix=token[:12],
            created_at=utc_now(),
        )
    )
    principal = Principal(key_id=key_id, name=name, role=role, organization=organization, subscriber_id=subscriber_id)
    return principal, token


def authenticate(*, db: Connection, token: str) -> Principal | None:
    """The principal a bearer token stands for, or None for an unknown or revoked key."""
    if not token.startswith(KEY_PREFIX):
        return None
    row = db.execute(
        select(api_keys).where(api_keys.c.key_hash == _digest(token), api_keys.c.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    if row.role == Role.SUBSCRIBER.value:
        # A subscriber key speaks for its subscriber only while that subscriber exists: once it is deleted
        # the key must not go on reading the wire as if nothing had happened.
        live = db.execute(
            select(subscribers.c.id).where(subscribers.c.id == row.subscriber_id, subscribers.c.deleted_at.is_(None))
        ).first()
        if live is None:
            return None
    return Principal(
        key_id=row.id,
        name=row.name,
        role=Role(row.role),
        organization=row.organization,
        subscriber_id=row.subscriber_id,
    )
