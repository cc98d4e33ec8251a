"""Direct row builders for outbox tests: exact states and times, no service logic in between."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count
from typing import Any

from sqlalchemy import Connection, insert, select

from polywire.store.tables import deliveries, endpoints, payloads, releases, subscribers

# A fixed "now" far from the real clock: nothing in these tests may depend on when they run.
NOW = datetime(2030, 6, 1, 12, 0, 0, 500_000, tzinfo=UTC)

_serial = count()


def _next(prefix: str) -> str:
    return f"{prefix}_{next(_serial):08d}"


def add_endpoints(db: Connection, n: int) -> list[str]:
    """One subscriber with ``n`` enabled webhook endpoints; returns the endpoint ids in creation order."""
    subscriber_id = _next("sub")
    db.execute(
        insert(subscribers).values(
            id=subscriber_id,
            name="Seeded Outlet",
            kind="outlet",
            languages=[],
            countries=[],
            categories=[],
            created_at=NOW,
            updated_at=NOW,
        )
    )
    ids = [_next("ep") for _ in range(n)]
    db.execute(
        insert(endpoints),
        [
            {
                "id": endpoint_id,
                "subscriber_id": subscriber_id,
                "type": "webhook",
                "url": f"http://127.0.0.1:9/{endpoint_id}",
                "secret_enc": b"sealed",
                "enabled": True,
                "created_at": NOW,
            }
            for endpoint_id in ids
        ],
    )
    return ids


def add_release(db: Connection) -> str:
    release_id = _next("rel")
    db.execute(
        insert(releases).values(
            id=release_id,
            uri=f"urn:test:{release_id}",
            organization="Seed",
            submitted_by="key_seed",
            status="released",
            language="en",
            current_version=1,
            first_created=NOW,
            version_created=NOW,
        )
    )
    return release_id


def add_delivery(
    db: Connection,
    *,
    release_id: str,
    endpoint_id: str,
    next_attempt_at: datetime,
    state: str = "pending",
    leased_until: datetime | None = None,
    **extra: Any,
) -> str:
    """A delivery (with its own payload, since (payload, endpoint) is unique) in exactly the given state."""
    subscriber_id = db.execute(select(endpoints.c.subscriber_id).where(endpoints.c.id == endpoint_id)).scalar_one()
    payload_id = _next("pay")
    db.execute(
        insert(payloads).values(
            id=payload_id,
            release_id=release_id,
            version=1,
            event="item.published",
            content_type="application/json",
            body=b'{"type":"item.published"}',
            created_at=NOW,
        )
    )
    delivery_id = _next("msg")
    db.execute(
        insert(deliveries).values(
            id=delivery_id,
            payload_id=payload_id,
            release_id=release_id,
            version=1,
            endpoint_id=endpoint_id,
            subscriber_id=subscriber_id,
            state=state,
            attempts=0,
            next_attempt_at=next_attempt_at,
            leased_until=leased_until,
            created_at=NOW,
            **extra,
        )
    )
    return delivery_id


def delivery(db: Connection, delivery_id: str) -> Any:
    return db.execute(select(deliveries).where(deliveries.c.id == delivery_id)).one()
