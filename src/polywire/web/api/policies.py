"""/v1/organizations/{organization}/policy: the quality-gate preset that judges a publisher's translations."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from polywire.domain.roles import Role
from polywire.services import policies as service
from polywire.services.inputs import GatePolicyIn
from polywire.web.deps import CurrentPrincipal, RuntimeDep, require

router = APIRouter(prefix="/v1/organizations", tags=["policies"])

Organization = Annotated[str, Path(min_length=1, max_length=200)]


@router.get("/{organization}/policy")
def get_policy(organization: Organization, runtime: RuntimeDep, principal: CurrentPrincipal) -> dict[str, Any]:
    """The organisation's gate preset (``standard`` unless it chose another) and the presets to choose from."""
    require(principal, Role.PUBLISHER, Role.ADMIN)
    with runtime.reading() as db:
        return service.policy_view(db=db, principal=principal, organization=organization)


@router.put("/{organization}/policy")
def put_policy(
    organization: Organization, body: GatePolicyIn, runtime: RuntimeDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    """Choose the preset that judges the organisation's translations from now on (a publisher: its own only)."""
    require(principal, Role.PUBLISHER, Role.ADMIN)
    with runtime.transaction() as db:
        return service.set_gate_policy(db=db, principal=principal, organization=organization, name=body.gate_policy)
