"""Deliveries: one per (version, endpoint), and the state machine their attempts drive.

held ──(embargo instant)──► pending ──► delivered
                              │  ▲
                              ▼  │ retry later
                          (attempt failed)
                              │
                              ├──► failed      permanent refusal (4xx other than 408/429), no more tries
                              ├──► dead        retries exhausted, or the endpoint was disabled
held/pending ──► superseded   a newer version replaced it before it went out
held/pending ──► canceled     the release was withdrawn before this copy went out
"""

from __future__ import annotations

from enum import StrEnum


class DeliveryState(StrEnum):
    HELD = "held"
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    DEAD = "dead"
    SUPERSEDED = "superseded"
    CANCELED = "canceled"

    @property
    def is_open(self) -> bool:
        """Whether the delivery may still be attempted."""
        return self in (DeliveryState.HELD, DeliveryState.PENDING)


OPEN_STATES = (DeliveryState.HELD.value, DeliveryState.PENDING.value)
