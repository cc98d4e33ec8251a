"""/v1/releases: submit, read (also as IPTC ninjs 2.2, ninjs 3.1 or NewsML-G2), correct, withdraw, the delivery report,
and the languages of a release."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse, Response

from polywire.domain.roles import Role
from polywire.errors import InvalidInput
from polywire.formats import FORMATS, JSON_MEDIA_TYPE
from polywire.formats.newsml_g2 import MEDIA_TYPE as NEWSML_G2_MEDIA_TYPE
from polywire.services import approvals
from polywire.services import releases as service
from polywire.services.inputs import CorrectionIn, LocalizationEdit, ReleaseIn, WithdrawIn
from polywire.services.renditions import render_release
from polywire.services.report import delivery_report
from polywire.web.deps import CurrentPrincipal, RuntimeDep, require

router = APIRouter(prefix="/v1/releases", tags=["releases"])

# The ``format`` values, spelled out so the OpenAPI document lists them; they must be the registry's names.
FormatName = Literal["ninjs2", "ninjs3", "newsml-g2"]
if set(get_args(FormatName)) != set(FORMATS):  # pragma: no cover - a guard for whoever adds a format
    raise RuntimeError(f"FormatName {get_args(FormatName)} differs from the registry {sorted(FORMATS)}")


@router.post("", status_code=201)
def submit_release(
    body: ReleaseIn,
    runtime: RuntimeDep,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> JSONResponse:
    """Accept a release. With an ``Idempotency-Key``, a retry returns the release the first call created."""
    require(principal, Role.PUBLISHER, Role.ADMIN)
    # Translate first, on a read-only connection: the write transaction then lasts milliseconds, not the seconds
    # translation takes, and never keeps the delivery runners waiting.
    with runtime.reading() as db:
        prepared = service.prepare_submission(db=db, principal=principal, draft=body, chain=runtime.translation)
    with runtime.transaction() as db:
        view, created = service.submit_release(
            db=db,
            principal=principal,
            draft=body,
            idempotency_key=idempotency_key,
            chain=runtime.translation,
            prepared=prepared,
        )
    if created:
        runtime.wake_dispatcher()
    headers = {"Location": f"/v1/releases/{view['id']}"}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(view, status_code=201, headers=headers)


@router.get("")
def list_releases(
    runtime: RuntimeDep, principal: CurrentPrincipal, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> dict[str, Any]:
    with runtime.reading() as db:
        return service.list_releases(db=db, principal=principal, limit=limit)


@router.get(
    "/{release_id}",
    response_model=None,
    responses={
        200: {
            "description": "The release (polywire's view), or with format= its current version as an IPTC item",
            "content": {JSON_MEDIA_TYPE: {}, NEWSML_G2_MEDIA_TYPE: {}},
        }
    },
)
def get_release(
    release_id: str,
    runtime: RuntimeDep,
    principal: CurrentPrincipal,
    output: Annotated[
        FormatName | None,
        Query(
            alias="format",
            description="Answer with the current version as an IPTC document: ninjs 2.2, ninjs 3.1 or a "
            "NewsML-G2 2.35 newsItem (without it: polywire's own view of the release).",
        ),
    ] = None,
    lang: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=35,
            description="With format: the language of the item (BCP 47, one of the release's localizations); "
            "by default the original.",
        ),
    ] = None,
) -> dict[str, Any] | Response:
    """The release as polywire shows it; with ``format`` (and ``lang``), the item its subscribers get."""
    if output is None:
        if lang is not None:
            # The default view is the original with its metadata; languages are items of a format.
            raise InvalidInput("lang", "choose a format too (format=ninjs2|ninjs3|newsml-g2)")
        with runtime.reading() as db:
            return service.get_release(db=db, principal=principal, release_id=release_id)
    with runtime.reading() as db:
        rendition = render_release(
            db=db, principal=principal, release_id=release_id, output=FORMATS[output], language=lang
        )
    headers = {"Content-Language": rendition.language}
    return Response(rendition.body, media_type=rendition.media_type, headers=headers)


@router.post("/{release_id}/corrections", status_code=201)
def correct_release(
    release_id: str, body: CorrectionIn, runtime: RuntimeDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    """A new version of the same uri, to every earlier recipient and every newly matching subscriber."""
    require(principal, Role.PUBLISHER, Role.ADMIN)
    with runtime.reading() as db:
        prepared = service.prepare_correction(
            db=db, principal=principal, release_id=release_id, correction=body, chain=runtime.translation
        )
    with runtime.transaction() as db:
        view = service.correct_release(
            db=db,
            principal=principal,
            release_id=release_id,
            correction=body,
            chain=runtime.translation,
            prepared=prepared,
        )
    runtime.wake_dispatcher()
    return view


@router.post("/{release_id}/withdraw")
def withdraw_release(
    release_id: str, body: WithdrawIn, runtime: RuntimeDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    """Withdraw: pubstatus canceled, to everyone who received any version; unsent copies are cancelled."""
    require(principal, Role.PUBLISHER, Role.ADMIN)
    with runtime.transaction() as db:
        view = service.withdraw_release(db=db, principal=principal, release_id=release_id, reason=body.reason)
    runtime.wake_dispatcher()
    return view


@router.get("/{release_id}/deliveries")
def deliveries(release_id: str, runtime: RuntimeDep, principal: CurrentPrincipal) -> dict[str, Any]:
    """Per endpoint and version: state, attempts, last status or error, timestamps; with a summary."""
    with runtime.reading() as db:
        return delivery_report(db=db, principal=principal, release_id=release_id)


@router.get("/{release_id}/localizations")
def localizations(release_id: str, runtime: RuntimeDep, principal: CurrentPrincipal) -> dict[str, Any]:
    """Every language of the newest version: the original and each translation with its verdict and findings."""
    with runtime.reading() as db:
        return approvals.list_localizations(db=db, principal=principal, release_id=release_id)


@router.post("/{release_id}/localizations/{language}/approve")
def approve_localization(
    release_id: str,
    language: str,
    runtime: RuntimeDep,
    principal: CurrentPrincipal,
    body: LocalizationEdit | None = None,
) -> dict[str, Any]:
    """Release a held translation, optionally edited, to the subscribers that were waiting for it."""
    require(principal, Role.PUBLISHER, Role.ADMIN)
    with runtime.transaction() as db:
        view = approvals.approve_localization(
            db=db, principal=principal, release_id=release_id, language=language, edit=body or LocalizationEdit()
        )
    runtime.wake_dispatcher()
    return view
