"""/v1/subscribers: outlets, journalists and desktops, and their webhook endpoints (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from polywire.domain.roles import Role
from polywire.errors import NotFound
from polywire.services import subscribers as service
from polywire.services.inputs import SecretRotationIn, SubscriberIn, SubscriberPatch
from polywire.web.deps import CurrentPrincipal, RuntimeDep, require

router = APIRouter(prefix="/v1/subscribers", tags=["subscribers"])


@router.post("", status_code=201)
def create_subscriber(body: SubscriberIn, runtime: RuntimeDep, principal: CurrentPrincipal) -> dict[str, Any]:
    """Register a subscriber; each endpoint's secret is in this answer and nowhere else, ever."""
    require(principal, Role.ADMIN)
    with runtime.transaction() as db:
        return service.create_subscriber(db=db, draft=body, policy=runtime.endpoint_policy)


@router.get("")
def list_subscribers(
    runtime: RuntimeDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    after: str | None = None,
) -> dict[str, Any]:
    require(principal, Role.ADMIN)
    with runtime.reading() as db:
        return service.list_subscribers(db=db, limit=limit, after=after)


def _may_see(principal: Any, subscriber_id: str) -> None:
    if principal.role is Role.ADMIN:
        return
    if principal.role is Role.SUBSCRIBER and principal.subscriber_id == subscriber_id:
        return
    raise NotFound(f"no subscriber {subscriber_id}")


@router.get("/{subscriber_id}")
def get_subscriber(subscriber_id: str, runtime: RuntimeDep, principal: CurrentPrincipal) -> dict[str, Any]:
    _may_see(principal, subscriber_id)
    with runtime.reading() as db:
        return service.get_subscriber(db=db, subscriber_id=subscriber_id)


@router.patch("/{subscriber_id}")
def update_subscriber(
    subscriber_id: str, body: SubscriberPatch, runtime: RuntimeDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    require(principal, Role.ADMIN)
    with runtime.transaction() as db:
        return service.update_subscriber(db=db, subscriber_id=subscriber_id, patch=body, policy=runtime.endpoint_policy)


@router.delete("/{subscriber_id}", status_code=204)
def delete_subscriber(subscriber_id: str, runtime: RuntimeDep, principal: CurrentPrincipal) -> Response:
    require(principal, Role.ADMIN)
    with runtime.transaction() as db:
        service.delete_subscriber(db=db, subscriber_id=subscriber_id)
    return Response(status_code=204)


@router.post("/{subscriber_id}/endpoints/{endpoint_id}/rotate-secret")
def rotate_secret(
    subscriber_id: str,
    endpoint_id: str,
    runtime: RuntimeDep,
    principal: CurrentPrincipal,
    body: SecretRotationIn | None = None,
) -> dict[str, Any]:
    """New signing secret; until ``previous_secret_until`` every webhook carries both signatures."""
    _may_see(principal, subscriber_id)
    with runtime.transaction() as db:
        return service.rotate_secret(
            db=db,
            subscriber_id=subscriber_id,
            endpoint_id=endpoint_id,
            rotation=body or SecretRotationIn(),
            policy=runtime.endpoint_policy,
        )
