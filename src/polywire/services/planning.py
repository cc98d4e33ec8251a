"""Materialising a version: render its payloads once and write one delivery row per copy (endpoint and language).

This runs when a release, correction or withdrawal is accepted, so that at the embargo instant nothing remains
but flipping rows to due and sending bytes that already exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from polywire.domain.delivery import DeliveryState
from polywire.domain.release import EventType
from polywire.formats.ninjs import webhook_body
from polywire.ids import new_id
from polywire.store.tables import deliveries, payloads


@dataclass(frozen=True, slots=True)
class Copy:
    """One copy of a version to one endpoint: for which subscriber, as which event, in which language."""

    subscriber_id: str
    event: EventType
    language: str


def materialise(
    *,
    db: Connection,
    release_id: str,
    version: int,
    items: Mapping[str, dict[str, Any]],
    recipients: Mapping[tuple[str, str], Copy],
    release_at: datetime,
    now: datetime,
) -> int:
    """Write payloads and deliveries for one version; ``recipients`` maps (endpoint, language) → copy, ``items``
    maps each language to its ninjs item.

    One payload is rendered per (language, event) actually needed. Deliveries whose release time is still
    ahead are ``held``; the rest are ``pending`` and due at once. Returns the number of deliveries written.
    """
    if not recipients:
        return 0
    # The envelope's timestamp is when the event happens for the outside world: the embargo instant if one lies
    # ahead, else now.
    event_time = max(release_at, now)
    payload_ids: dict[tuple[str, EventType], str] = {}
    for language, event in sorted({(copy.language, copy.event) for copy in recipients.values()}):
        payload_id = new_id("pay")
        payload_ids[(language, event)] = payload_id
        db.execute(
            insert(payloads).values(
                id=payload_id,
                release_id=release_id,
                version=version,
                event=event.value,
                language=language,
                content_type="application/json",
                body=webhook_body(event=event, timestamp=event_time, item=items[language]),
                created_at=now,
            )
        )
    state = DeliveryState.HELD if release_at > now else DeliveryState.PENDING
    rows = [
        {
            "id": new_id("msg"),
            "payload_id": payload_ids[(copy.language, copy.event)],
            "release_id": release_id,
            "version": version,
            "endpoint_id": endpoint_id,
            "subscriber_id": copy.subscriber_id,
            "language": copy.language,
            "state": state.value,
            "attempts": 0,
            "next_attempt_at": release_at,
            "created_at": now,
        }
        for (endpoint_id, _), copy in sorted(recipients.items())
    ]
    db.execute(insert(deliveries), rows)
    return len(rows)
