"""Reading a release's languages, and a person approving a held translation (optionally edited).

Approving re-runs the per-subscriber language choice for the current version with the approved language now
deliverable, and materialises a copy for every endpoint that has none of this version yet and now chooses it:
the subscribers that were waiting for that language. Nobody gets a second copy of a version, except that a
subscriber asking for all its languages gets the approved language too unless it already has it. The embargo
still holds (before the instant the new copies are ``held`` like the rest).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select, update

from polywire.clock import utc_now
from polywire.domain.release import PubStatus, ReleaseContent, ReleaseStatus
from polywire.domain.roles import Principal, Role
from polywire.errors import Conflict, Forbidden, InvalidInput, NotFound
from polywire.localize.gate import Verdict
from polywire.services.copies import render_items, route_version
from polywire.services.inputs import LocalizationEdit
from polywire.services.localization import APPROVED, stored, view
from polywire.services.planning import materialise
from polywire.services.releases import owned_release, previous_recipients, release_time
from polywire.services.routing import subscriber_languages
from polywire.store.tables import deliveries, localizations, release_versions


def list_localizations(*, db: Connection, principal: Principal, release_id: str) -> dict[str, Any]:
    """Every language of the release's newest localised version, the original first."""
    owned_release(db, principal, release_id)
    newest = select(func.max(localizations.c.version)).where(localizations.c.release_id == release_id)
    rows = db.execute(
        select(localizations)
        .where(localizations.c.release_id == release_id, localizations.c.version == newest.scalar_subquery())
        .order_by(localizations.c.is_original.desc(), localizations.c.language)
    ).all()
    return {"release_id": release_id, "items": [view(row) for row in rows]}


def approve_localization(
    *, db: Connection, principal: Principal, release_id: str, language: str, edit: LocalizationEdit
) -> dict[str, Any]:
    """Release a held translation of the current version, with the editor's changes, to those waiting for it."""
    if principal.role not in (Role.PUBLISHER, Role.ADMIN):
        raise Forbidden("only publisher and admin keys approve translations")
    row = owned_release(db, principal, release_id, for_update=True)
    if row.status == ReleaseStatus.WITHDRAWN.value:
        raise Conflict("the release is withdrawn; nothing of it goes out any more")
    version = row.current_version
    key = (
        localizations.c.release_id == release_id,
        localizations.c.version == version,
        localizations.c.language == language,
    )
    current = db.execute(select(localizations).where(*key)).first()
    if current is None:
        raise NotFound(f"release {release_id} has no {language} localization in version {version}")
    if current.verdict != Verdict.HOLD.value:
        raise Conflict(f"the {language} localization is not held (its verdict is {current.verdict})")
    changes = edit.model_dump(exclude_unset=True)
    headline = changes.get("headline", current.headline)
    body_html = changes.get("body_html", current.body_html)
    # An engine failure leaves no text: the editor must supply it before anything can go out.
    for field, value in (("headline", headline), ("body_html", body_html)):
        if not value:
            raise InvalidInput(field, "there is no machine translation to approve; write the text in the body")
    now = utc_now()
    db.execute(
        update(localizations)
        .where(*key)
        .values(
            verdict=APPROVED,
            headline=headline,
            summary=changes.get("summary", current.summary),
            body_html=body_html,
            approved_at=now,
            approved_by=principal.key_id,
        )
    )
    version_row = db.execute(
        select(release_versions.c.content, release_versions.c.ednote).where(
            release_versions.c.release_id == release_id, release_versions.c.version == version
        )
    ).one()
    original = ReleaseContent.from_dict(version_row.content)
    languages = stored(db=db, release_id=release_id, version=version)
    already = {
        (row.endpoint_id, row.language)
        for row in db.execute(
            select(deliveries.c.endpoint_id, deliveries.c.language).where(
                deliveries.c.release_id == release_id, deliveries.c.version == version
            )
        ).all()
    }
    served = {endpoint_id for endpoint_id, _ in already}
    routed = route_version(
        db=db, original=original, languages=languages, previous=previous_recipients(db, release_id, now)
    )
    every_language = {
        endpoint_id
        for endpoint_id, recipient in subscriber_languages(db=db, endpoint_ids={ep for ep, _ in routed}).items()
        if recipient.all_languages
    }
    waiting = {
        (endpoint_id, copy_language): copy
        for (endpoint_id, copy_language), copy in routed.items()
        if copy_language == language
        and (endpoint_id, copy_language) not in already
        and (endpoint_id in every_language or endpoint_id not in served)
    }
    items = render_items(
        row,
        version=version,
        original=original,
        languages=languages,
        wanted={language} if waiting else set(),
        created=row.version_created,
        ednote=version_row.ednote,
        pubstatus=PubStatus.USABLE,
    )
    materialise(
        db=db,
        release_id=release_id,
        version=version,
        items=items,
        recipients=waiting,
        release_at=release_time(row, now),
        now=now,
    )
    approved = db.execute(select(localizations).where(*key)).one()
    return {**view(approved), "delivered_to": len(waiting)}
