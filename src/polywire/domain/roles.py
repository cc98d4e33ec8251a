"""API roles and what each may see."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # everything
    PUBLISHER = "publisher"  # its organisation's releases
    SUBSCRIBER = "subscriber"  # its own subscriber record and deliveries


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's id, role, organisation and (for subscriber keys) the subscriber it speaks for."""

    key_id: str
    name: str
    role: Role
    organization: str | None = None
    subscriber_id: str | None = None
