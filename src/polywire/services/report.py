"""The delivery report: who got which version, when, and what failed — read straight from the outbox rows.

Nothing here is inferred: ``delivered`` means an endpoint answered 2xx to that exact copy, and every other state
carries the last status code or error the runners recorded.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from polywire.clock import rfc3339
from polywire.domain.delivery import DeliveryState
from polywire.domain.roles import Principal, Role
from polywire.services.releases import get_release
from polywire.store.tables import deliveries, endpoints, payloads, subscribers


def _when(value: Any) -> str | None:
    return rfc3339(value) if value is not None else None


def delivery_report(*, db: Connection, principal: Principal, release_id: str) -> dict[str, Any]:
    # Visibility follows the release's: unknown to this principal means 404 here too.
    get_release(db=db, principal=principal, release_id=release_id)
    query = (
        select(
            deliveries,
            payloads.c.event,
            endpoints.c.url,
            endpoints.c.enabled.label("endpoint_enabled"),
            endpoints.c.disabled_reason,
            subscribers.c.name.label("subscriber_name"),
        )
        .join(payloads, payloads.c.id == deliveries.c.payload_id)
        .join(endpoints, endpoints.c.id == deliveries.c.endpoint_id)
        .join(subscribers, subscribers.c.id == deliveries.c.subscriber_id)
        .where(deliveries.c.release_id == release_id)
        .order_by(deliveries.c.version, deliveries.c.id)
    )
    if principal.role is Role.SUBSCRIBER:
        query = query.where(deliveries.c.subscriber_id == principal.subscriber_id)
    summary = {state.value: 0 for state in DeliveryState}
    items = []
    for row in db.execute(query).all():
        summary[row.state] += 1
        item = {
            "id": row.id,
            "webhook_id": row.id,
            "version": row.version,
            "language": row.language,
            "event": row.event,
            "subscriber_id": row.subscriber_id,
            "subscriber_name": row.subscriber_name,
            "endpoint_id": row.endpoint_id,
            "url": row.url,
            "state": row.state,
            "attempts": row.attempts,
            "last_status": row.last_status,
            "last_error": row.last_error,
            "created_at": _when(row.created_at),
            "first_attempt_at": _when(row.first_attempt_at),
            "last_attempt_at": _when(row.last_attempt_at),
            "delivered_at": _when(row.delivered_at),
            "next_attempt_at": _when(row.next_attempt_at) if row.state in ("held", "pending") else None,
        }
        if not row.endpoint_enabled:
            item["endpoint_disabled_reason"] = row.disabled_reason
        items.append(item)
    summary["total"] = len(items)
    return {"release_id": release_id, "summary": summary, "items": items}
