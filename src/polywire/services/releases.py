"""Releases: submit, correct, withdraw, read. Each accepted change is materialised into deliveries at once.

Visibility: an admin sees everything; a publisher sees its own organisation's releases and nothing else (another
organisation's ids answer 404, exactly like unknown ids); a subscriber sees released items only, never an
embargoed one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from polywire.clock import rfc3339, utc_now
from polywire.domain.delivery import OPEN_STATES, DeliveryState
from polywire.domain.release import (
    EventType,
    PubStatus,
    ReleaseContent,
    ReleaseStatus,
    release_uri,
)
from polywire.domain.roles import Principal, Role
from polywire.errors import Conflict, Forbidden, InvalidInput, NotFound
from polywire.ids import new_id
from polywire.localize.engines import EngineChain
from polywire.localize.gate import GatePolicy
from polywire.services.copies import render_items, route_version
from polywire.services.glossaries import GlossaryStamp, glossaries_for, glossary_stamp
from polywire.services.inputs import CorrectionIn, ReleaseIn
from polywire.services.localization import Localization, localize, plan_languages
from polywire.services.localization import record as record_localizations
from polywire.services.localization import stored as stored_localizations
from polywire.services.planning import Copy, materialise
from polywire.services.policies import gate_policy_for, organization_of
from polywire.services.routing import live_endpoints
from polywire.store.tables import deliveries, release_versions, releases, subscribers

# Called after a change commits with the moment its deliveries fall due, so the runners can wake for it.
DueNotifier = Callable[[datetime], None]


def _request_hash(draft: ReleaseIn) -> str:
    # Fields added later are left out while unset, so a retry of a request made before they existed still matches.
    unset_new_fields = {name for name in ("target_languages", "protected_terms") if getattr(draft, name) is None}
    canonical = json.dumps(
        draft.model_dump(mode="json", exclude=unset_new_fields), sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def release_time(row: Any, now: datetime) -> datetime:
    """When copies of this release may leave: the embargo instant if still ahead, else now."""
    if row.embargo_until is not None and row.embargo_until > now:
        return row.embargo_until  # type: ignore[no-any-return]
    return now


def _content_of(draft: ReleaseIn) -> ReleaseContent:
    return ReleaseContent(
        headline=draft.headline,
        body_html=draft.body_html,
        language=draft.language,
        summary=draft.summary,
        categories=tuple(draft.categories or ()),
        regions=tuple(draft.regions or ()),
        urgency=draft.urgency,
        byline=draft.byline,
        credit=draft.credit,
        dateline=draft.dateline,
        disclaimer=draft.disclaimer,
    )


@dataclass(frozen=True, slots=True)
class PreparedLanguages:
    """A version's localisations, made before its write transaction opens, with the content they were made from,
    the publisher's gate policy that judged them and the publisher's glossaries (as id and revision) they used.

    Translation takes seconds; inside the write transaction it would hold SQLite's write lock that long and keep
    the delivery runners from recording or claiming anything, embargo instants included. The write uses these
    only if the content, the policy and the glossaries are still the same; otherwise it translates again itself.
    """

    content: ReleaseContent
    localized: list[Localization]
    policy: GatePolicy
    glossaries: GlossaryStamp = ()


def _prepare(
    db: Connection,
    *,
    organization: str,
    content: ReleaseContent,
    target_languages: list[str] | None,
    protected_terms: list[str] | None,
    chain: EngineChain | None,
) -> PreparedLanguages:
    """Plan a version's languages, translate them with the organisation's glossaries for each, and gate them under
    the organisation's policy."""
    policy = gate_policy_for(db, organization)
    languages = plan_languages(db=db, content=content, target_languages=target_languages, chain=chain)
    glossaries = glossaries_for(db, organization=organization, source_language=content.language)
    localized = localize(
        chain=chain,
        content=content,
        languages=languages,
        policy=policy,
        protected_terms=tuple(protected_terms or ()),
        glossaries={language: glossaries.for_language(language) for language in languages},
    )
    return PreparedLanguages(content, localized, policy, glossaries.stamp)


def prepare_submission(
    *, db: Connection, principal: Principal, draft: ReleaseIn, chain: EngineChain | None
) -> PreparedLanguages:
    """Plan and translate a submission's languages on a read-only connection (see PreparedLanguages), judged by
    the submitting organisation's gate policy."""
    return _prepare(
        db,
        organization=organization_of(principal),
        content=_content_of(draft),
        target_languages=draft.target_languages,
        protected_terms=draft.protected_terms,
        chain=chain,
    )


def prepare_correction(
    *, db: Connection, principal: Principal, release_id: str, correction: CorrectionIn, chain: EngineChain | None
) -> PreparedLanguages | None:
    """Plan and translate a correction's languages ahead of its write; None when the correction will be refused
    anyway (correct_release then says why)."""
    row = owned_release(db, principal, release_id)
    changes = correction.changes()
    if row.status == ReleaseStatus.WITHDRAWN.value or not changes:
        return None
    if any(changes.get(required, "") is None for required in ("headline", "body_html")):
        return None
    old_content, _ = _current_content(db, release_id, row.current_version)
    return _prepare(
        db,
        organization=row.organization,
        content=old_content.corrected(changes),
        target_languages=row.target_languages,
        protected_terms=row.protected_terms,
        chain=chain,
    )


def submit_release(
    *,
    db: Connection,
    principal: Principal,
    draft: ReleaseIn,
    idempotency_key: str | None = None,
    chain: EngineChain | None = None,
    prepared: PreparedLanguages | None = None,
) -> tuple[dict[str, Any], bool]:
    """Accept a release; returns its view and whether it was created now (False: an idempotent replay).

    The release is localised with ``chain`` before this returns (see ``services.localization``); without a chain
    only explicitly requested languages are recorded, as held for want of an engine.
    """
    if principal.role not in (Role.PUBLISHER, Role.ADMIN):
        raise Forbidden("only publisher and admin keys submit releases")
    organization = organization_of(principal)
    now = utc_now()
    request_hash = _request_hash(draft)
    if idempotency_key is not None:
        replay = _idempotent_replay(db, organization, idempotency_key, request_hash)
        if replay is not None:
            return get_release(db=db, principal=principal, release_id=replay), False
    if draft.embargo_until is not None and draft.embargo_until <= now:
        raise InvalidInput("embargo_until", "lies in the past; leave it out to release at once")
    content = _content_of(draft)
    release_id = new_id("rel")
    embargoed = draft.embargo_until is not None
    values = {
        "id": release_id,
        "uri": release_uri(release_id),
        "organization": organization,
        "submitted_by": principal.key_id,
        "status": (ReleaseStatus.EMBARGOED if embargoed else ReleaseStatus.RELEASED).value,
        "language": content.language,
        "current_version": 1,
        "embargo_until": draft.embargo_until,
        "first_created": now,
        "version_created": now,
        "idempotency_key": idempotency_key,
        "request_hash": request_hash,
        "target_languages": draft.target_languages,
        "protected_terms": draft.protected_terms,
    }
    savepoint = db.begin_nested()
    try:
        db.execute(insert(releases).values(**values))
    except IntegrityError:
        # Two submissions with the same key raced; the other one won and this becomes its replay.
        savepoint.rollback()
        replay = _idempotent_replay(db, organization, idempotency_key or "", request_hash)
        if replay is None:
            raise
        return get_release(db=db, principal=principal, release_id=replay), False
    savepoint.commit()
    _insert_version(db, release_id, 1, content, PubStatus.USABLE, EventType.PUBLISHED, None, now)
    row = db.execute(select(releases).where(releases.c.id == release_id)).one()
    _localize_and_route(
        db, row, version=1, content=content, ednote=None, previous={}, chain=chain, now=now, prepared=prepared
    )
    return _view(row, content, None), True


def _localize_and_route(
    db: Connection,
    row: Any,
    *,
    version: int,
    content: ReleaseContent,
    ednote: str | None,
    previous: dict[str, tuple[str, ...]],
    chain: EngineChain | None,
    now: datetime,
    prepared: PreparedLanguages | None = None,
) -> None:
    """Translate and gate the version under its organisation's gate policy and glossaries (unless prepared for this
    very content, policy and glossaries), store its languages, and materialise a copy per recipient endpoint."""
    policy = gate_policy_for(db, row.organization)
    stamp = glossary_stamp(db, organization=row.organization, source_language=content.language)
    if prepared is None or prepared.content != content or prepared.policy != policy or prepared.glossaries != stamp:
        prepared = _prepare(
            db,
            organization=row.organization,
            content=content,
            target_languages=row.target_languages,
            protected_terms=row.protected_terms,
            chain=chain,
        )
    localized = prepared.localized
    record_localizations(db=db, release_id=row.id, version=version, items=localized, now=now)
    recipients = route_version(db=db, original=content, languages=localized, previous=previous)
    items = render_items(
        row,
        version=version,
        original=content,
        languages=localized,
        wanted={copy.language for copy in recipients.values()},
        created=now,
        ednote=ednote,
        pubstatus=PubStatus.USABLE,
    )
    materialise(
        db=db,
        release_id=row.id,
        version=version,
        items=items,
        recipients=recipients,
        release_at=release_time(row, now),
        now=now,
    )


def _idempotent_replay(db: Connection, organization: str, key: str, request_hash: str) -> str | None:
    row = db.execute(
        select(releases.c.id, releases.c.request_hash).where(
            releases.c.organization == organization, releases.c.idempotency_key == key
        )
    ).first()
    if row is None:
        return None
    if row.request_hash != request_hash:
        raise Conflict("Idempotency-Key was already used for a different release")
    return str(row.id)


def _insert_version(
    db: Connection,
    release_id: str,
    number: int,
    content: ReleaseContent,
    pubstatus: PubStatus,
    event: EventType,
    ednote: str | None,
    now: datetime,
) -> None:
    db.execute(
        insert(release_versions).values(
            release_id=release_id,
            version=number,
            content=content.to_dict(),
            pubstatus=pubstatus.value,
            event=event.value,
            ednote=ednote,
            created_at=now,
        )
    )


def owned_release(db: Connection, principal: Principal, release_id: str, *, for_update: bool = False) -> Any:
    """The release row if the principal may see it; anything else is indistinguishable from unknown."""
    query = select(releases).where(releases.c.id == release_id)
    if for_update and db.dialect.name == "postgresql":
        query = query.with_for_update()
    row = db.execute(query).first()
    if row is None:
        raise NotFound(f"no release {release_id}")
    if principal.role is Role.PUBLISHER and row.organization != organization_of(principal):
        raise NotFound(f"no release {release_id}")
    if principal.role is Role.SUBSCRIBER and row.embargo_until is not None and row.embargo_until > utc_now():
        raise NotFound(f"no release {release_id}")
    return row


def _current_content(db: Connection, release_id: str, version: int) -> tuple[ReleaseContent, str | None]:
    row = db.execute(
        select(release_versions.c.content, release_versions.c.ednote).where(
            release_versions.c.release_id == release_id, release_versions.c.version == version
        )
    ).one()
    return ReleaseContent.from_dict(row.content), row.ednote


def previous_recipients(db: Connection, release_id: str, now: datetime) -> dict[str, tuple[str, ...]]:
    """Endpoints that have, or may at this moment be receiving, a copy of any version → the languages they got:
    the language of the newest such copy, or for a subscriber asking for all its languages every language it
    received of any version (newest first)."""
    rows = db.execute(
        select(deliveries.c.endpoint_id, deliveries.c.language, deliveries.c.version, subscribers.c.all_languages)
        .join(subscribers, subscribers.c.id == deliveries.c.subscriber_id)
        .where(
            deliveries.c.release_id == release_id,
            or_(
                deliveries.c.state == DeliveryState.DELIVERED.value,
                and_(deliveries.c.leased_until.is_not(None), deliveries.c.leased_until > now),
            ),
        )
        .order_by(deliveries.c.version.desc(), deliveries.c.language)
    ).all()
    fallback = db.execute(select(releases.c.language).where(releases.c.id == release_id)).scalar_one()
    received: dict[str, tuple[str, ...]] = {}
    # Ordered newest version first, so an ordinary subscriber's newest copy's language is the one it keeps.
    for row in rows:
        language = row.language or fallback
        had = received.get(row.endpoint_id)
        if had is None:
            received[row.endpoint_id] = (language,)
        elif row.all_languages and language not in had:
            received[row.endpoint_id] = (*had, language)
    return received


def _close_open_copies(db: Connection, release_id: str, state: DeliveryState, reason: str) -> None:
    db.execute(
        update(deliveries)
        .where(deliveries.c.release_id == release_id, deliveries.c.state.in_(OPEN_STATES))
        .values(state=state.value, last_error=reason)
    )


def correct_release(
    *,
    db: Connection,
    principal: Principal,
    release_id: str,
    correction: CorrectionIn,
    chain: EngineChain | None = None,
    prepared: PreparedLanguages | None = None,
) -> dict[str, Any]:
    """A new version with the changed fields, re-translated and re-checked into the release's languages, to every
    earlier recipient (in the language it received) and every newly matching subscriber."""
    if principal.role not in (Role.PUBLISHER, Role.ADMIN):
        raise Forbidden("only publisher and admin keys correct releases")
    row = owned_release(db, principal, release_id, for_update=True)
    if row.status == ReleaseStatus.WITHDRAWN.value:
        raise Conflict("the release is withdrawn; it can no longer be corrected")
    changes = correction.changes()
    if not changes:
        raise InvalidInput("body", "a correction must change at least one field")
    for required in ("headline", "body_html"):
        if required in changes and changes[required] is None:
            raise InvalidInput(required, "may be changed but not removed")
    now = utc_now()
    old_content, _ = _current_content(db, release_id, row.current_version)
    content = old_content.corrected(changes)
    number = row.current_version + 1
    previous = previous_recipients(db, release_id, now)
    # Copies of older versions that have not gone out yet are replaced by this one.
    _close_open_copies(db, release_id, DeliveryState.SUPERSEDED, f"superseded by version {number}")
    _insert_version(db, release_id, number, content, PubStatus.USABLE, EventType.CORRECTED, correction.ednote, now)
    db.execute(update(releases).where(releases.c.id == release_id).values(current_version=number, version_created=now))
    row = db.execute(select(releases).where(releases.c.id == release_id)).one()
    _localize_and_route(
        db,
        row,
        version=number,
        content=content,
        ednote=correction.ednote,
        previous=previous,
        chain=chain,
        now=now,
        prepared=prepared,
    )
    return _view(row, content, correction.ednote)


def withdraw_release(*, db: Connection, principal: Principal, release_id: str, reason: str) -> dict[str, Any]:
    """Cancel the release: every endpoint that received any version is told; unsent copies never go."""
    if principal.role not in (Role.PUBLISHER, Role.ADMIN):
        raise Forbidden("only publisher and admin keys withdraw releases")
    row = owned_release(db, principal, release_id, for_update=True)
    if row.status == ReleaseStatus.WITHDRAWN.value:
        raise Conflict("the release is already withdrawn")
    now = utc_now()
    content, _ = _current_content(db, release_id, row.current_version)
    number = row.current_version + 1
    previous = previous_recipients(db, release_id, now)
    languages = stored_localizations(db=db, release_id=release_id)
    _close_open_copies(db, release_id, DeliveryState.CANCELED, "release withdrawn before this copy went out")
    _insert_version(db, release_id, number, content, PubStatus.CANCELED, EventType.WITHDRAWN, reason, now)
    db.execute(
        update(releases)
        .where(releases.c.id == release_id)
        .values(
            current_version=number,
            version_created=now,
            status=ReleaseStatus.WITHDRAWN.value,
            withdrawn_reason=reason,
        )
    )
    row = db.execute(select(releases).where(releases.c.id == release_id)).one()
    # Every endpoint that received any copy hears of the withdrawal, in each language (and under the uri) it got.
    recipients = {
        (endpoint_id, language): Copy(subscriber_id, EventType.WITHDRAWN, language)
        for endpoint_id, subscriber_id in live_endpoints(db=db, endpoint_ids=set(previous)).items()
        for language in previous[endpoint_id]
    }
    items = render_items(
        row,
        version=number,
        original=content,
        languages=languages,
        wanted={copy.language for copy in recipients.values()},
        created=now,
        ednote=reason,
        pubstatus=PubStatus.CANCELED,
    )
    materialise(
        db=db, release_id=release_id, version=number, items=items, recipients=recipients, release_at=now, now=now
    )
    return _view(row, content, reason)


def _public_status(row: Any, now: datetime) -> str:
    # The stored status says "embargoed" until something rewrites it; the clock decides what it is now.
    if row.status == ReleaseStatus.EMBARGOED.value and (row.embargo_until is None or row.embargo_until <= now):
        return ReleaseStatus.RELEASED.value
    return str(row.status)


def _view(row: Any, content: ReleaseContent, ednote: str | None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": row.id,
        "uri": row.uri,
        "version": row.current_version,
        "status": _public_status(row, utc_now()),
        "organization": row.organization,
        **content.to_dict(),
        "embargo_until": rfc3339(row.embargo_until) if row.embargo_until else None,
        "ednote": ednote,
        "firstcreated": rfc3339(row.first_created),
        "versioncreated": rfc3339(row.version_created),
        "target_languages": row.target_languages,
        "protected_terms": row.protected_terms,
    }
    if row.withdrawn_reason:
        view["withdrawn_reason"] = row.withdrawn_reason
    return view


def get_release(*, db: Connection, principal: Principal, release_id: str) -> dict[str, Any]:
    row = owned_release(db, principal, release_id)
    content, ednote = _current_content(db, release_id, row.current_version)
    return _view(row, content, ednote)


def list_releases(*, db: Connection, principal: Principal, limit: int = 50) -> dict[str, Any]:
    now = utc_now()
    query = select(releases).order_by(releases.c.first_created.desc(), releases.c.id.desc()).limit(limit)
    if principal.role is Role.PUBLISHER:
        query = query.where(releases.c.organization == (principal.organization or principal.name))
    elif principal.role is Role.SUBSCRIBER:
        query = query.where(or_(releases.c.embargo_until.is_(None), releases.c.embargo_until <= now))
    rows = db.execute(query).all()
    items = []
    for row in rows:
        content, ednote = _current_content(db, row.id, row.current_version)
        items.append(_view(row, content, ednote))
    return {"items": items}
