"""The interface every delivery channel implements, and the typed envelope passed to it.

A channel sends one prepared copy and reports what happened; it never decides about retries. The webhook
channel speaks HTTP; ``RecordingChannel`` is its in-process twin for tests of the runners.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from polywire.clock import utc_now


@dataclass(frozen=True, slots=True)
class OutgoingCopy:
    """One delivery attempt's input: the bytes, where they go, the keys that sign them and the event they announce
    (``item.published``, ``item.corrected`` or ``item.withdrawn``, as the JSON envelope's ``type`` says)."""

    delivery_id: str
    endpoint_id: str
    url: str
    body: bytes
    content_type: str
    signing_keys: tuple[bytes, ...]
    event: str


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What one attempt observed. ``status`` is None when no HTTP answer came (network error, timeout)."""

    started_at: datetime
    finished_at: datetime
    status: int | None = None
    error: str | None = None
    retry_after: str | None = None
    # True when the attempt was refused by polywire's own policy (e.g. a private address) before any byte left.
    refused: bool = False

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status <= 299


class Channel(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def send(self, copy: OutgoingCopy) -> SendOutcome: ...


@dataclass
class RecordingChannel:
    """In-process twin: records every copy and answers with what ``respond`` says (200 by default)."""

    respond: Callable[[OutgoingCopy], int] = lambda _copy: 200
    delay: float = 0.0
    sent: list[OutgoingCopy] = field(default_factory=list)

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def send(self, copy: OutgoingCopy) -> SendOutcome:
        started = utc_now()
        if self.delay:
            await asyncio.sleep(self.delay)
        self.sent.append(copy)
        return SendOutcome(started_at=started, finished_at=utc_now(), status=self.respond(copy))
