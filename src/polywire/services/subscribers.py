"""Subscribers and their endpoints: register, read, change, delete, rotate secrets, bulk import.

Secrets are sealed with the SecretBox before they touch the database and are shown in clear exactly once: in
the answer to the request that created them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, update

from polywire.clock import rfc3339, utc_now
from polywire.deliver.signing import generate_secret, parse_secret
from polywire.deliver.ssrf import UnsafeEndpoint, check_endpoint_url
from polywire.errors import InvalidInput, NotFound
from polywire.ids import new_id
from polywire.secretbox import SecretBox
from polywire.services.inputs import EndpointIn, SecretRotationIn, SubscriberIn, SubscriberPatch
from polywire.store.outbox import disable_endpoint
from polywire.store.tables import endpoints, subscribers


@dataclass(frozen=True, slots=True)
class EndpointPolicy:
    """What endpoint registration needs from the outside: the secret box and the private-address rule."""

    box: SecretBox
    allow_private: bool


def _checked_endpoint(index: int, endpoint: EndpointIn, policy: EndpointPolicy) -> str:
    """Validate one endpoint and return its secret in clear (given or generated)."""
    try:
        check_endpoint_url(endpoint.url, allow_private=policy.allow_private)
    except UnsafeEndpoint as exc:
        raise InvalidInput(f"endpoints.{index}.url", str(exc)) from exc
    if endpoint.secret is None:
        return generate_secret()
    try:
        parse_secret(endpoint.secret)
    except ValueError as exc:
        raise InvalidInput(f"endpoints.{index}.secret", str(exc)) from exc
    return endpoint.secret


def _insert_endpoint(
    db: Connection, *, subscriber_id: str, endpoint: EndpointIn, secret: str, policy: EndpointPolicy, now: datetime
) -> dict[str, Any]:
    endpoint_id = new_id("ep")
    db.execute(
        endpoints.insert().values(
            id=endpoint_id,
            subscriber_id=subscriber_id,
            type=endpoint.type,
            url=endpoint.url,
            secret_enc=policy.box.seal(secret),
            format=endpoint.format,
            enabled=True,
            created_at=now,
        )
    )
    return {
        "id": endpoint_id,
        "type": endpoint.type,
        "url": endpoint.url,
        "format": endpoint.format,
        "secret": secret,
        "enabled": True,
    }


def _refuse_duplicate_urls(wanted: list[EndpointIn]) -> None:
    """Endpoints are identified by URL within a subscriber (PATCH matches them that way), so one URL listed
    twice would create two endpoints that PATCH can no longer tell apart, and send every copy twice."""
    seen: set[str] = set()
    for index, endpoint in enumerate(wanted):
        if endpoint.url in seen:
            raise InvalidInput(f"endpoints.{index}.url", "is listed twice; each endpoint URL may appear once")
        seen.add(endpoint.url)


def create_subscriber(*, db: Connection, draft: SubscriberIn, policy: EndpointPolicy) -> dict[str, Any]:
    """Register a subscriber with its endpoints; the answer carries each endpoint's secret, once."""
    now = utc_now()
    _refuse_duplicate_urls(draft.endpoints)
    secrets_in_clear = [_checked_endpoint(i, ep, policy) for i, ep in enumerate(draft.endpoints)]
    subscriber_id = new_id("sub")
    db.execute(
        subscribers.insert().values(
            id=subscriber_id,
            name=draft.name,
            kind=draft.kind,
            languages=_unique(draft.languages),
            countries=_unique(draft.countries),
            categories=_unique(draft.categories),
            all_languages=draft.all_languages,
            created_at=now,
            updated_at=now,
        )
    )
    created = [
        _insert_endpoint(db, subscriber_id=subscriber_id, endpoint=ep, secret=secret, policy=policy, now=now)
        for ep, secret in zip(draft.endpoints, secrets_in_clear, strict=True)
    ]
    # The view is built from what was just inserted rather than read back: reading it back doubled the
    # statements per subscriber and dominated `polywire subscribers import` of a few thousand lines.
    return {
        "id": subscriber_id,
        "name": draft.name,
        "kind": draft.kind,
        "languages": _unique(draft.languages),
        "countries": _unique(draft.countries),
        "categories": _unique(draft.categories),
        "all_languages": draft.all_languages,
        "endpoints": created,
        "created_at": rfc3339(now),
        "updated_at": rfc3339(now),
    }


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _live_subscriber(db: Connection, subscriber_id: str) -> Any:
    row = db.execute(
        select(subscribers).where(subscribers.c.id == subscriber_id, subscribers.c.deleted_at.is_(None))
    ).first()
    if row is None:
        raise NotFound(f"no subscriber {subscriber_id}")
    return row


def _endpoint_view(row: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": row.id,
        "type": row.type,
        "url": row.url,
        "format": row.format,
        "enabled": row.enabled,
    }
    if not row.enabled:
        view["disabled_reason"] = row.disabled_reason
        view["disabled_at"] = rfc3339(row.disabled_at) if row.disabled_at else None
    if row.failing_since is not None:
        view["failing_since"] = rfc3339(row.failing_since)
    if row.previous_secret_until is not None and row.previous_secret_until > utc_now():
        view["previous_secret_until"] = rfc3339(row.previous_secret_until)
    return view


def get_subscriber(*, db: Connection, subscriber_id: str) -> dict[str, Any]:
    row = _live_subscriber(db, subscriber_id)
    endpoint_rows = db.execute(
        select(endpoints).where(endpoints.c.subscriber_id == subscriber_id).order_by(endpoints.c.id)
    ).all()
    # Retired endpoints stay in the table for the delivery history but are no longer the subscriber's.
    endpoint_rows = [ep for ep in endpoint_rows if ep.disabled_reason != "removed"]
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "languages": row.languages,
        "countries": row.countries,
        "categories": row.categories,
        "all_languages": row.all_languages,
        "endpoints": [_endpoint_view(ep) for ep in endpoint_rows],
        "created_at": rfc3339(row.created_at),
        "updated_at": rfc3339(row.updated_at),
    }


def list_subscribers(*, db: Connection, limit: int = 100, after: str | None = None) -> dict[str, Any]:
    query = select(subscribers.c.id).where(subscribers.c.deleted_at.is_(None)).order_by(subscribers.c.id)
    if after:
        query = query.where(subscribers.c.id > after)
    ids = [row.id for row in db.execute(query.limit(limit)).all()]
    items = [get_subscriber(db=db, subscriber_id=sid) for sid in ids]
    return {"items": items, "next_after": ids[-1] if len(ids) == limit else None}


def update_subscriber(
    *, db: Connection, subscriber_id: str, patch: SubscriberPatch, policy: EndpointPolicy
) -> dict[str, Any]:
    """Change filters or the endpoint set. Endpoints are matched by URL: a URL that stays keeps its id, secret
    and format (unless a new one is given), a new URL gets a new endpoint, a URL that goes is retired.

    A new format applies to the copies materialised from then on; copies already waiting keep the bytes they
    were rendered with (the outbox holds rendered payloads, so that an embargo instant only sends)."""
    _live_subscriber(db, subscriber_id)
    now = utc_now()
    values: dict[str, Any] = {"updated_at": now}
    for field in ("name", "kind", "all_languages"):
        if getattr(patch, field) is not None:
            values[field] = getattr(patch, field)
    for field in ("languages", "countries", "categories"):
        if getattr(patch, field) is not None:
            values[field] = _unique(getattr(patch, field))
    created: list[dict[str, Any]] = []
    if patch.endpoints is not None:
        _refuse_duplicate_urls(patch.endpoints)
        checked = [_checked_endpoint(i, ep, policy) for i, ep in enumerate(patch.endpoints)]
        existing = {
            row.url: row
            for row in db.execute(select(endpoints).where(endpoints.c.subscriber_id == subscriber_id)).all()
            if row.disabled_reason != "removed"
        }
        wanted_urls = set()
        for ep, secret in zip(patch.endpoints, checked, strict=True):
            wanted_urls.add(ep.url)
            kept = existing.get(ep.url)
            if kept is None:
                created.append(
                    _insert_endpoint(
                        db, subscriber_id=subscriber_id, endpoint=ep, secret=secret, policy=policy, now=now
                    )
                )
            else:
                # Listing a disabled endpoint again is how an operator says "it is fixed, try it again".
                changes: dict[str, Any] = {"enabled": True, "disabled_reason": None, "disabled_at": None}
                if not kept.enabled:
                    changes["failing_since"] = None
                if ep.secret is not None:
                    changes["secret_enc"] = policy.box.seal(secret)
                if "format" in ep.model_fields_set:
                    changes["format"] = ep.format
                db.execute(update(endpoints).where(endpoints.c.id == kept.id).values(**changes))
        for url, row in existing.items():
            if url not in wanted_urls:
                _retire_endpoint(db, row.id, reason="removed", now=now)
    db.execute(update(subscribers).where(subscribers.c.id == subscriber_id).values(**values))
    view = get_subscriber(db=db, subscriber_id=subscriber_id)
    # New endpoints' secrets are shown once, in this answer.
    by_id = {ep["id"]: ep for ep in created}
    view["endpoints"] = [by_id.get(ep["id"], ep) for ep in view["endpoints"]]
    return view


def _retire_endpoint(db: Connection, endpoint_id: str, *, reason: str, now: datetime) -> None:
    """Disable an endpoint and end the copies still waiting for it, recording why in the report."""
    disable_endpoint(db, endpoint_id, reason=reason, now=now)


def delete_subscriber(*, db: Connection, subscriber_id: str) -> None:
    _live_subscriber(db, subscriber_id)
    now = utc_now()
    for row in db.execute(select(endpoints.c.id).where(endpoints.c.subscriber_id == subscriber_id)).all():
        _retire_endpoint(db, row.id, reason="subscriber deleted", now=now)
    db.execute(update(subscribers).where(subscribers.c.id == subscriber_id).values(deleted_at=now, updated_at=now))


def rotate_secret(
    *, db: Connection, subscriber_id: str, endpoint_id: str, rotation: SecretRotationIn, policy: EndpointPolicy
) -> dict[str, Any]:
    """Give an endpoint a new secret; during the overlap every webhook carries signatures by both."""
    _live_subscriber(db, subscriber_id)
    row = db.execute(
        select(endpoints).where(endpoints.c.id == endpoint_id, endpoints.c.subscriber_id == subscriber_id)
    ).first()
    # A retired endpoint ("removed" by a PATCH) is no longer the subscriber's: it is not shown, so it is not
    # found here either, rather than quietly getting a secret nothing will ever use.
    if row is None or row.disabled_reason == "removed":
        raise NotFound(f"no endpoint {endpoint_id} for subscriber {subscriber_id}")
    secret = rotation.secret or generate_secret()
    try:
        parse_secret(secret)
    except ValueError as exc:
        raise InvalidInput("secret", str(exc)) from exc
    until = utc_now() + timedelta(seconds=rotation.overlap_seconds)
    db.execute(
        update(endpoints)
        .where(endpoints.c.id == endpoint_id)
        .values(
            secret_enc=policy.box.seal(secret),
            previous_secret_enc=row.secret_enc if rotation.overlap_seconds else None,
            previous_secret_until=until if rotation.overlap_seconds else None,
        )
    )
    return {"id": endpoint_id, "secret": secret, "previous_secret_until": rfc3339(until)}
