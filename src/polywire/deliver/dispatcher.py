"""The dispatcher: wakes at the embargo instant (or when work arrives), leases due deliveries, sends them
concurrently through a channel and records every attempt in batches.

Isolation: each endpoint has its own small in-flight cap, so a slow or dead receiver ties up at most that many
slots and everyone else's copies keep flowing. Durability: nothing is acknowledged before its attempt is
written; a crash leaves leases that expire (or are released on the next start) and the copy goes again with
the same ``webhook-id``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from polywire.clock import utc_now
from polywire.config import DeliverySettings
from polywire.deliver.channel import Channel, OutgoingCopy, SendOutcome
from polywire.deliver.retry import RetryKind, RetryPolicy
from polywire.deliver.signing import parse_secret
from polywire.domain.delivery import DeliveryState
from polywire.secretbox import SecretBox
from polywire.store import outbox
from polywire.store.db import TransactionThread

log = logging.getLogger("polywire.dispatcher")
T = TypeVar("T")

_POLL_SECONDS = 1.0  # also catches leases expiring and rows written by other processes
_FLUSH_SECONDS = 0.02  # attempt results are written in batches this often
_CLAIM_BATCH = 2000
_PREWARM_SECONDS = 10.0  # how long before an embargo instant its copies' payloads and keys are made ready


class Dispatcher:
    def __init__(
        self,
        *,
        engine: Engine,
        box: SecretBox,
        channel: Channel,
        settings: DeliverySettings,
        policy: RetryPolicy | None = None,
        embedded: bool = True,
    ) -> None:
        self._box = box
        self._channel = channel
        self._settings = settings
        self._policy = policy or RetryPolicy()
        self._embedded = embedded
        # One thread owns the dispatcher's database work, so claims and result writes never contend
        # with each other, and the event loop never blocks on the database.
        self._db_thread = TransactionThread(engine, name="polywire-outbox")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup = asyncio.Event()
        self._results: list[tuple[outbox.Claimed, outbox.EndpointTarget, SendOutcome]] = []
        self._results_ready = asyncio.Event()
        # Copies claimed and not yet finished, per endpoint (waiting for a slot or on the wire).
        self._in_flight: Counter[str] = Counter()
        # What actually enforces the per-endpoint cap on the wire: ``claim`` may lease up to the cap again for an
        # endpoint that still has copies in flight, so those wait here for a slot instead of piling on.
        self._endpoint_slots: dict[str, asyncio.Semaphore] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._global_slots = asyncio.Semaphore(settings.concurrency)
        self._keys: dict[tuple[str, bytes], bytes] = {}
        self._payloads: dict[str, outbox.Payload] = {}
        self._runner: asyncio.Task[None] | None = None
        self._flusher: asyncio.Task[None] | None = None
        self._stopping = False
        self._warmed_for: datetime | None = None

    # -- lifecycle -------------------------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self._channel.start()
        if self._embedded:
            released = await self._db(outbox.release_all_leases, now=utc_now())
            if released:
                log.info("resuming %d deliveries left in flight by the previous run", released)
        self._runner = asyncio.create_task(self._run(), name="polywire-dispatcher")
        self._flusher = asyncio.create_task(self._flush_forever(), name="polywire-recorder")

    async def stop(self) -> None:
        self._stopping = True
        self._wakeup.set()
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
        # Copies already on the wire are allowed to finish, so their outcome is recorded, not repeated.
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=self._settings.timeout_seconds + 1)
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
        await self._flush()
        await self._channel.close()
        self._db_thread.shutdown()

    def wake(self) -> None:
        """Tell the dispatcher new work exists; safe to call from any thread."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wakeup.set)

    # -- the loop --------------------------------------------------------------------------------------

    async def _db(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await self._db_thread.run(work, *args, **kwargs)

    async def _run(self) -> None:
        while not self._stopping:
            self._wakeup.clear()
            try:
                looked_at = utc_now()
                claimed = await self._claim_and_send(looked_at)
                timeout = await self._time_to_next(claimed, looked_at)
            except Exception:  # the loop must survive a database hiccup; the poll retries
                log.exception("dispatcher round failed; retrying")
                timeout = _POLL_SECONDS
            if timeout > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout)

    def _prewarm(self, db: Connection, due: datetime) -> None:
        """Before an embargo instant: load the payloads and decrypt the signing keys its copies will need, so
        that at the instant only claiming and sending remain (decryption alone is ~30 µs per endpoint)."""
        payload_ids, endpoint_ids = outbox.upcoming(db, until=due)
        missing = payload_ids - self._payloads.keys()
        if missing:
            self._payloads.update(outbox.load_payloads(db, missing))
        now = utc_now()
        for target in outbox.load_targets(db, endpoint_ids).values():
            self._signing_keys(target, now)

    def _busy_endpoints(self) -> set[str]:
        cap = self._settings.per_endpoint_concurrency
        return {endpoint for endpoint, count in self._in_flight.items() if count >= cap}

    async def _time_to_next(self, claimed: int, looked_at: datetime) -> float:
        """Seconds to sleep before the next round; ``looked_at`` is the instant the round just claimed for."""
        if claimed >= _CLAIM_BATCH:
            return 0.0
        due = await self._db(outbox.next_due, busy_endpoints=self._busy_endpoints())
        if due is None:
            return _POLL_SECONDS
        if due > looked_at:
            if (due - looked_at).total_seconds() <= _PREWARM_SECONDS and self._warmed_for != due:
                self._warmed_for = due
                await self._db(self._prewarm, due)
            # It was not yet due when the round looked: go again the moment it is. This includes work that fell
            # due while the round ran, and a timer that fired a hair early (uvloop, which serves polywire under
            # uvicorn, keeps millisecond timers that can fire up to 1 ms before the instant asked for). Falling
            # through to the poll below would send an embargoed release up to a whole poll interval late.
            return max(0.0, min((due - utc_now()).total_seconds(), _POLL_SECONDS))
        # Work was due when we looked and was still not claimed (every slot is busy): a finishing send wakes us,
        # the poll covers the rest.
        return 0.0 if claimed else _POLL_SECONDS

    async def _claim_and_send(self, now: datetime) -> int:
        capacity = self._settings.concurrency * 2 - len(self._tasks)
        if capacity <= 0:
            return 0
        cap = self._settings.per_endpoint_concurrency
        busy = self._busy_endpoints()

        def take(db: Connection) -> tuple[list[outbox.Claimed], dict[str, outbox.EndpointTarget]]:
            outbox.promote_due(db, now=now)
            claimed = outbox.claim(
                db,
                now=now,
                lease_until=now + timedelta(seconds=self._settings.lease_seconds),
                limit=min(capacity, _CLAIM_BATCH),
                per_endpoint=cap,
                busy_endpoints=busy,
            )
            missing = {c.payload_id for c in claimed} - self._payloads.keys()
            if missing:
                self._payloads.update(outbox.load_payloads(db, missing))
            targets = outbox.load_targets(db, {c.endpoint_id for c in claimed})
            return claimed, targets

        claimed, targets = await self._db(take)
        for delivery in claimed:
            target = targets[delivery.endpoint_id]
            self._in_flight[delivery.endpoint_id] += 1
            task = asyncio.create_task(self._send(delivery, target))
            self._tasks.add(task)
            task.add_done_callback(self._sent)
        return len(claimed)

    def _sent(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._wakeup.set()

    def _signing_keys(self, target: outbox.EndpointTarget, now: datetime) -> tuple[bytes, ...]:
        sealed = [target.secret_enc]
        if target.previous_secret_enc is not None and (
            target.previous_secret_until is None or target.previous_secret_until > now
        ):
            sealed.append(target.previous_secret_enc)
        keys = []
        for blob in sealed:
            cache_key = (target.id, blob)
            key = self._keys.get(cache_key)
            if key is None:
                key = parse_secret(self._box.open(blob))
                self._keys[cache_key] = key
            keys.append(key)
        return tuple(keys)

    async def _send(self, delivery: outbox.Claimed, target: outbox.EndpointTarget) -> None:
        try:
            now = utc_now()
            if not target.enabled:
                outcome = SendOutcome(started_at=now, finished_at=now, error="endpoint disabled", refused=True)
            else:
                payload = self._payloads[delivery.payload_id]
                copy = OutgoingCopy(
                    delivery_id=delivery.id,
                    endpoint_id=target.id,
                    url=target.url,
                    body=payload.body,
                    content_type=payload.content_type,
                    signing_keys=self._signing_keys(target, now),
                    event=payload.event,
                )
                slots = self._endpoint_slots.get(target.id)
                if slots is None:
                    slots = self._endpoint_slots[target.id] = asyncio.Semaphore(self._settings.per_endpoint_concurrency)
                # The endpoint's slot first, then a global one, so a copy waiting for its endpoint holds no global
                # slot. The wait is short: at most cap - 1 copies queue behind the cap on the wire, each bounded by
                # the timeout, well inside the lease (config keeps the lease above twice the timeout).
                async with slots, self._global_slots:
                    outcome = await self._channel.send(copy)
        except Exception as exc:  # a bug here must still end in a recorded attempt, not a lost lease
            log.exception("delivery %s failed unexpectedly", delivery.id)
            now = utc_now()
            outcome = SendOutcome(started_at=now, finished_at=now, error=f"internal error: {exc!r}")
        finally:
            self._in_flight[delivery.endpoint_id] -= 1
            if self._in_flight[delivery.endpoint_id] <= 0:
                # Nobody waits on the endpoint's semaphore any more: every claimed copy counts in _in_flight.
                del self._in_flight[delivery.endpoint_id]
                self._endpoint_slots.pop(delivery.endpoint_id, None)
        self._results.append((delivery, target, outcome))
        self._results_ready.set()

    # -- recording -------------------------------------------------------------------------------------

    async def _flush_forever(self) -> None:
        while True:
            await self._results_ready.wait()
            await asyncio.sleep(_FLUSH_SECONDS)
            try:
                await self._flush()
            except Exception:
                log.exception("recording attempts failed; will retry")
                await asyncio.sleep(_POLL_SECONDS)

    async def _flush(self) -> None:
        batch, self._results = self._results, []
        self._results_ready.clear()
        if not batch:
            return
        now = utc_now()
        records: list[outbox.AttemptRecord] = []
        healthy: set[str] = set()
        failing: set[str] = set()
        disable: dict[str, str] = {}
        disable_after = timedelta(days=self._settings.disable_after_days)
        for delivery, target, outcome in batch:
            number = delivery.attempts + 1
            if outcome.delivered:
                state, next_at = DeliveryState.DELIVERED, outcome.finished_at
                healthy.add(target.id)
            else:
                failing.add(target.id)
                if outcome.refused:
                    state, next_at = DeliveryState.FAILED, outcome.finished_at
                else:
                    decision = self._policy.decide(
                        attempts_made=number, status=outcome.status, retry_after=outcome.retry_after, now=now
                    )
                    next_at = decision.retry_at or outcome.finished_at
                    state = {
                        RetryKind.RETRY: DeliveryState.PENDING,
                        RetryKind.PERMANENT: DeliveryState.FAILED,
                        RetryKind.GONE: DeliveryState.FAILED,
                        RetryKind.EXHAUSTED: DeliveryState.DEAD,
                    }[decision.kind]
                    if decision.kind is RetryKind.GONE:
                        disable[target.id] = "the endpoint answered 410 Gone"
                if target.failing_since is not None and now - target.failing_since >= disable_after:
                    disable[target.id] = f"failing since {target.failing_since.isoformat()}"
            records.append(
                outbox.AttemptRecord(
                    delivery_id=delivery.id,
                    number=number,
                    started_at=outcome.started_at,
                    finished_at=outcome.finished_at,
                    status=outcome.status,
                    error=outcome.error,
                    state=state,
                    next_attempt_at=next_at,
                )
            )
        await self._db(
            outbox.record_attempts,
            records,
            healthy_endpoints=healthy,
            failing_endpoints=failing - healthy,
            disable=disable,
            now=now,
        )
        self._wakeup.set()
