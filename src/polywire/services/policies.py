"""Per-publisher policy: which quality-gate preset judges an organisation's translations.

An organisation (``releases.organization``: the key's organisation, or its name when it has none) without a
stored policy is judged by the default preset, ``standard``. An admin may read and set any organisation's policy;
a publisher only its own, and another organisation's answers 404 exactly like elsewhere.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from polywire.clock import utc_now
from polywire.domain.roles import Principal, Role
from polywire.errors import Forbidden, InvalidInput, NotFound
from polywire.localize.gate import PRESETS, STANDARD, GatePolicy
from polywire.store.tables import publisher_policies

DEFAULT_POLICY = STANDARD.name


def organization_of(principal: Principal) -> str:
    """The organisation a publisher key speaks for, as stored on its releases."""
    return principal.organization or principal.name


def get_gate_policy(db: Connection, organization: str) -> str:
    """The name of the organisation's gate preset (``standard`` unless it chose another)."""
    name = db.execute(
        select(publisher_policies.c.gate_policy).where(publisher_policies.c.organization == organization)
    ).scalar_one_or_none()
    return str(name) if name is not None else DEFAULT_POLICY


def gate_policy_for(db: Connection, organization: str) -> GatePolicy:
    """The gate policy the organisation's translations are judged by."""
    return PRESETS[get_gate_policy(db, organization)]


def _may_manage(principal: Principal, organization: str) -> None:
    if principal.role is Role.ADMIN:
        return
    if principal.role is not Role.PUBLISHER:
        raise Forbidden("only publisher and admin keys manage publisher policies")
    if organization_of(principal) != organization:
        raise NotFound(f"no organization {organization}")


def _view(organization: str, name: str) -> dict[str, Any]:
    return {"organization": organization, "gate_policy": name, "presets": sorted(PRESETS)}


def policy_view(*, db: Connection, principal: Principal, organization: str) -> dict[str, Any]:
    """``{"organization", "gate_policy", "presets"}`` for an organisation the principal may manage."""
    _may_manage(principal, organization)
    return _view(organization, get_gate_policy(db, organization))


def set_gate_policy(*, db: Connection, principal: Principal, organization: str, name: str) -> dict[str, Any]:
    """Choose the organisation's gate preset; it judges every translation made from now on."""
    _may_manage(principal, organization)
    if name not in PRESETS:
        raise InvalidInput("gate_policy", f"unknown preset {name!r}; one of {', '.join(sorted(PRESETS))}")
    values = {"organization": organization, "gate_policy": name, "updated_at": utc_now()}
    insert = postgresql_insert if db.dialect.name == "postgresql" else sqlite_insert
    statement = insert(publisher_policies).values(**values)
    db.execute(
        statement.on_conflict_do_update(
            index_elements=[publisher_policies.c.organization],
            set_={"gate_policy": name, "updated_at": values["updated_at"]},
        )
    )
    return _view(organization, name)
