"""Materialising a version: render its payloads once and write one delivery row per copy (endpoint and language).

This runs when a release, correction or withdrawal is accepted, so that at the embargo instant nothing remains
but flipping rows to due and sending bytes that already exist.

A payload is one rendered body per (language, event, format) that some recipient of the version takes. Each
endpoint chose its format (``endpoints.format``); a format nobody takes is never rendered, so a version whose
recipients all read ninjs 2.2 costs what it did before formats existed. JSON formats (ninjs 2.2 and 3.1) travel
in the Standard Webhooks envelope ``{type, timestamp, data}``; NewsML-G2 travels as the XML document itself, and
its event type goes in a header (see ``deliver.webhook``), read from the payload's ``event``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from polywire.domain.delivery import DeliveryState
from polywire.domain.release import EventType
from polywire.formats import DEFAULT_FORMAT, JSON_MEDIA_TYPE, ItemFields, format_named
from polywire.formats.ninjs import webhook_body
from polywire.ids import new_id
from polywire.store.tables import deliveries, endpoints, payloads


@dataclass(frozen=True, slots=True)
class Copy:
    """One copy of a version to one endpoint: for which subscriber, as which event, in which language."""

    subscriber_id: str
    event: EventType
    language: str


# Up to this many recipients their formats are looked up by id; beyond it, the endpoints that chose a format other
# than the default are read instead (see endpoint_formats).
_LOOKUP_BY_ID = 500


def endpoint_formats(db: Connection, endpoint_ids: Collection[str]) -> dict[str, str]:
    """endpoint id → the name of the format it receives, for each of ``endpoint_ids``.

    A few recipients (a withdrawal, an approved language) are looked up by id. A fan-out to thousands reads only
    the endpoints that chose something other than the default, in one statement: nearly all take the default,
    and an IN list of every recipient would cost more than the rendering it decides.
    """
    if len(endpoint_ids) <= _LOOKUP_BY_ID:
        query = select(endpoints.c.id, endpoints.c.format).where(endpoints.c.id.in_(sorted(endpoint_ids)))
    else:
        query = select(endpoints.c.id, endpoints.c.format).where(endpoints.c.format != DEFAULT_FORMAT)
    known = {row.id: str(row.format) for row in db.execute(query).all()}
    return {endpoint_id: known.get(endpoint_id, DEFAULT_FORMAT) for endpoint_id in endpoint_ids}


def materialise(
    *,
    db: Connection,
    release_id: str,
    version: int,
    items: Mapping[str, ItemFields],
    recipients: Mapping[tuple[str, str], Copy],
    release_at: datetime,
    now: datetime,
) -> int:
    """Write payloads and deliveries for one version; ``recipients`` maps (endpoint, language) → copy, ``items``
    maps each language to its item.

    One payload is rendered per (language, event, format) actually needed. Deliveries whose release time is
    still ahead are ``held``; the rest are ``pending`` and due at once. Returns the number of deliveries written.
    """
    if not recipients:
        return 0
    # The envelope's timestamp is when the event happens for the outside world: the embargo instant if one lies
    # ahead, else now.
    event_time = max(release_at, now)
    formats = endpoint_formats(db, {endpoint_id for endpoint_id, _ in recipients})
    needed = sorted(
        {(copy.language, copy.event, formats[endpoint_id]) for (endpoint_id, _), copy in recipients.items()}
    )
    # A language is rendered once per format, whatever the number of events it goes out as (a correction is
    # "corrected" for earlier recipients and "published" for newly matching ones).
    documents: dict[tuple[str, str], dict[str, Any] | bytes] = {}
    payload_ids: dict[tuple[str, EventType, str], str] = {}
    rows = []
    for language, event, name in needed:
        output = format_named(name)
        document = documents.get((language, name))
        if document is None:
            fields = items[language]
            document = output.item(fields) if output.item is not None else output.render(fields)
            documents[(language, name)] = document
        if isinstance(document, bytes):
            # An XML format travels as the document itself: a NewsML-G2 receiver's parser takes the newsItem, not
            # an envelope around it; the event type goes in a header instead.
            content_type, body = output.media_type, document
        else:
            content_type, body = JSON_MEDIA_TYPE, webhook_body(event=event, timestamp=event_time, item=document)
        payload_id = payload_ids[(language, event, name)] = new_id("pay")
        rows.append(
            {
                "id": payload_id,
                "release_id": release_id,
                "version": version,
                "event": event.value,
                "language": language,
                "format": name,
                "content_type": content_type,
                "body": body,
                "created_at": now,
            }
        )
    db.execute(insert(payloads), rows)
    state = DeliveryState.HELD if release_at > now else DeliveryState.PENDING
    copies = [
        {
            "id": new_id("msg"),
            "payload_id": payload_ids[(copy.language, copy.event, formats[endpoint_id])],
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
    db.execute(insert(deliveries), copies)
    return len(copies)
