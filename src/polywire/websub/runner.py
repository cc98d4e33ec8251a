"""The hub's runner: plans pushes from public changes every second, and works the hub's job queue.

It lives beside the webhook dispatcher inside ``polywire serve`` (started with the app, see ``web.websub``). Every
job runs in its own task, and no callback has more than ``PER_CALLBACK`` jobs in flight, so one slow or dead
callback costs its own pushes a wait and nobody else anything. Durability: a job is deleted only after its
outcome is known; a crash leaves a lease that is released on the next start (or expires), and the job goes again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from polywire.clock import utc_now
from polywire.config import FeedSettings
from polywire.deliver.retry import RetryKind, RetryPolicy
from polywire.secretbox import SecretBox
from polywire.store.db import TransactionThread
from polywire.websub import queue
from polywire.websub.http import Answer, HubClient, signature, with_query
from polywire.websub.hub import Content, plan_pushes, topic_content
from polywire.websub.queue import DEAD, FAILED, PENDING, Job, JobKind, Subscription

log = logging.getLogger("polywire.websub")
T = TypeVar("T")

PLAN_SECONDS = 1.0
_POLL_SECONDS = 0.5
PER_CALLBACK = 2
_CLAIM_BATCH = 200


class WebSubRunner:
    def __init__(
        self,
        *,
        engine: Engine,
        box: SecretBox,
        feeds: FeedSettings,
        client: HubClient,
        timeout_seconds: float,
        concurrency: int = 64,
        policy: RetryPolicy | None = None,
        embedded: bool = True,
    ) -> None:
        self._box = box
        self._feeds = feeds
        self._client = client
        self._policy = policy or RetryPolicy()
        self._embedded = embedded
        # Longer than a request can take, so a live runner never loses a lease to another.
        self._lease = timedelta(seconds=max(60.0, 4 * timeout_seconds))
        self._slots = asyncio.Semaphore(concurrency)
        self._concurrency = concurrency
        self._db_thread = TransactionThread(engine, name="polywire-websub")
        self._wakeup = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._in_flight: Counter[str] = Counter()
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._stopping = False
        self._planned_at: datetime | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self._client.start()
        if self._embedded:
            released = await self._db(queue.release_leases)
            if released:
                log.info("resuming %d WebSub jobs left in flight by the previous run", released)
        self._runner = asyncio.create_task(self._run(), name="polywire-websub")

    async def stop(self) -> None:
        self._stopping = True
        self._wakeup.set()
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=30)
        await self._client.close()
        self._db_thread.shutdown()

    async def settle(self) -> None:
        """Wait until every job started so far has finished (for an orderly stop, and for tests)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    def wake(self) -> None:
        """New jobs exist (a subscription request); safe to call from any thread."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wakeup.set)

    async def _db(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await self._db_thread.run(work, *args, **kwargs)

    async def _run(self) -> None:
        while not self._stopping:
            self._wakeup.clear()
            try:
                await self.run_once(utc_now())
            except Exception:  # the loop must survive a database hiccup; the next round retries
                log.exception("WebSub round failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), _POLL_SECONDS)

    async def run_once(self, now: datetime) -> int:
        """One round: plan (at most once a second), then claim due jobs and start them; returns jobs started."""
        if self._planned_at is None or (now - self._planned_at).total_seconds() >= PLAN_SECONDS:
            planned = await self._db(lambda db: plan_pushes(db=db, now=now))
            self._planned_at = now
            if planned.pushes or planned.expired:
                log.info("WebSub: %d pushes planned, %d subscriptions expired", planned.pushes, planned.expired)
        capacity = self._concurrency * 2 - len(self._tasks)
        if capacity <= 0:
            return 0
        jobs, subscriptions, contents = await self._db(self._take, now, min(capacity, _CLAIM_BATCH))
        for job in jobs:
            self._in_flight[job.callback] += 1
            task = asyncio.create_task(self._work(job, subscriptions.get(job.subscription_key), contents))
            self._tasks.add(task)
            task.add_done_callback(self._done)
        return len(jobs)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._wakeup.set()

    def _take(
        self, db: Connection, now: datetime, limit: int
    ) -> tuple[list[Job], dict[str, Subscription], dict[str, Content]]:
        jobs = queue.claim(
            db,
            now=now,
            lease_until=now + self._lease,
            limit=limit,
            per_callback=PER_CALLBACK,
            in_flight=tuple(self._in_flight.items()),
        )
        subscriptions: dict[str, Subscription] = {}
        contents: dict[str, Content] = {}
        for job in jobs:
            if job.kind is not JobKind.PUSH:
                continue
            sub = queue.subscription(db, job.subscription_key)
            if sub is None or sub.expires_at <= now:
                continue
            subscriptions[job.subscription_key] = sub
            # Rendered now, after the claim: a push carries the page as it is when it goes out, never older than
            # the change that planned it. One rendering per topic per round, however many subscribers.
            if job.topic not in contents:
                contents[job.topic] = topic_content(db=db, topic_url=job.topic, feeds=self._feeds, now=now)
        return jobs, subscriptions, contents

    async def _work(self, job: Job, sub: Subscription | None, contents: dict[str, Content]) -> None:
        try:
            async with self._slots:
                if job.kind is JobKind.VERIFY:
                    await self._verify(job)
                elif job.kind is JobKind.DENY:
                    await self._deny(job)
                else:
                    await self._push(job, sub, contents.get(job.topic))
        except Exception:  # a bug here must not lose the job: its lease expires and it goes again
            log.exception("WebSub job %s failed unexpectedly", job.id)
        finally:
            self._in_flight[job.callback] -= 1
            if self._in_flight[job.callback] <= 0:
                del self._in_flight[job.callback]

    async def _verify(self, job: Job) -> None:
        """Section 5.3: a GET to the callback; confirmed only by a 2xx whose body is exactly the challenge."""
        challenge = secrets.token_urlsafe(32)
        params = {"hub.mode": job.mode or "", "hub.topic": job.topic, "hub.challenge": challenge}
        if job.mode == "subscribe" and job.lease_seconds is not None:
            params["hub.lease_seconds"] = str(job.lease_seconds)
        answer = await self._client.get(with_query(job.callback, params))
        now = utc_now()
        if answer.ok and answer.body == challenge.encode():
            if job.mode == "subscribe":

                def confirm(db: Connection) -> None:
                    queue.activate(db, job, now=now)
                    queue.finish(db, job.id)

                await self._db(confirm)
            else:

                def cancel(db: Connection) -> None:
                    queue.remove(db, job.subscription_key)
                    queue.finish(db, job.id)

                await self._db(cancel)
            return
        reason = answer.error or "the callback did not echo hub.challenge"
        # Not retried: the spec makes an unconfirmed request a failed one, and the subscriber asks again.
        await self._db(
            queue.record_failure,
            job.id,
            attempts=job.attempts + 1,
            state=FAILED,
            status=answer.status,
            error=f"verification of intent failed: {reason}",
            next_attempt_at=now,
            now=now,
        )

    async def _deny(self, job: Job) -> None:
        """Section 5.2: tell the callback its subscription was refused, and why; the answer changes nothing."""
        params = {"hub.mode": "denied", "hub.topic": job.topic, "hub.reason": job.reason or "refused"}
        await self._client.get(with_query(job.callback, params))
        await self._db(queue.finish, job.id)

    async def _push(self, job: Job, sub: Subscription | None, content: Content | None) -> None:
        """Section 7: POST the topic's content, with its hub and self links, signed when a secret was given."""
        if sub is None or content is None:
            # Unsubscribed, expired or gone meanwhile: nothing to send to anyone.
            await self._db(queue.finish, job.id)
            return
        headers = {
            "Content-Type": content.media_type,
            "Link": f'<{content.hub_url}>; rel="hub", <{content.self_url}>; rel="self"',
        }
        if sub.secret_enc is not None:
            headers["X-Hub-Signature"] = signature(self._box.open(sub.secret_enc), content.body)
        answer = await self._client.post(job.callback, body=content.body, headers=headers)
        await self._db(self._record_push, job, answer, utc_now())

    def _record_push(self, db: Connection, job: Job, answer: Answer, now: datetime) -> None:
        if answer.ok:
            queue.finish(db, job.id)
            return
        number = job.attempts + 1
        error = answer.error or f"HTTP {answer.status}"
        if answer.refused:
            queue.record_failure(
                db, job.id, attempts=number, state=FAILED, status=None, error=error, next_attempt_at=now, now=now
            )
            return
        decision = self._policy.decide(
            attempts_made=number, status=answer.status, retry_after=answer.retry_after, now=now
        )
        state = {
            RetryKind.RETRY: PENDING,
            RetryKind.PERMANENT: FAILED,
            RetryKind.GONE: FAILED,
            RetryKind.EXHAUSTED: DEAD,
        }[decision.kind]
        queue.record_failure(
            db,
            job.id,
            attempts=number,
            state=state,
            status=answer.status,
            # The decision's reason already names the status; a network error says what happened.
            error=decision.reason if answer.status is not None else f"{error}; {decision.reason}",
            next_attempt_at=decision.retry_at or now,
            now=now,
        )
        if decision.kind is RetryKind.GONE:
            # Section 7: a 410 says the subscription was deleted on the subscriber's side.
            queue.remove(db, job.subscription_key)
