"""/v1/glossaries: a publisher's forced translations and do-not-translate terms, per language pair."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from polywire.domain.roles import Role
from polywire.services import glossaries as service
from polywire.services.inputs import GlossaryIn
from polywire.web.deps import CurrentPrincipal, RuntimeDep, require

router = APIRouter(prefix="/v1/glossaries", tags=["glossaries"])


@router.post("", status_code=201)
def create_glossary(body: GlossaryIn, runtime: RuntimeDep, principal: CurrentPrincipal) -> JSONResponse:
    """Store a glossary for the caller's organisation (an admin names one); it applies from the next submission
    or correction on."""
    require(principal, Role.PUBLISHER, Role.ADMIN)
    with runtime.transaction() as db:
        view = service.create_glossary(db=db, principal=principal, draft=body)
    return JSONResponse(view, status_code=201, headers={"Location": f"/v1/glossaries/{view['id']}"})


@router.get("")
def list_glossaries(
    runtime: RuntimeDep,
    principal: CurrentPrincipal,
    organization: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> dict[str, Any]:
    """The organisation's glossaries with their term counts (an admin: every organisation's, or the one named)."""
    require(principal, Role.PUBLISHER, Role.ADMIN)
    with runtime.reading() as db:
        return service.list_glossaries(db=db, principal=principal, organization=organization)


@router.get("/{glossary_id}")
def get_glossary(glossary_id: str, runtime: RuntimeDep, principal: CurrentPrincipal) -> dict[str, Any]:
    """One glossary with every term."""
    require(principal, Role.PUBLISHER, Role.ADMIN)
    with runtime.reading() as db:
        return service.get_glossary(db=db, principal=principal, glossary_id=glossary_id)


@router.put("/{glossary_id}")
def replace_glossary(
    glossary_id: str, body: GlossaryIn, runtime: RuntimeDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    """Replace the glossary whole; translations made from now on use the new terms."""
    require(principal, Role.PUBLISHER, Role.ADMIN)
    with runtime.transaction() as db:
        return service.replace_glossary(db=db, principal=principal, glossary_id=glossary_id, draft=body)


@router.delete("/{glossary_id}", status_code=204)
def delete_glossary(glossary_id: str, runtime: RuntimeDep, principal: CurrentPrincipal) -> Response:
    """Remove the glossary; translations already made with it are kept."""
    require(principal, Role.PUBLISHER, Role.ADMIN)
    with runtime.transaction() as db:
        service.delete_glossary(db=db, principal=principal, glossary_id=glossary_id)
    return Response(status_code=204)
