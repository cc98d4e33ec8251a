"""The hub's tables as its runner and request handler see them: subscriptions, the job queue and the cursor.

Jobs are verifications of intent, denial notices and content pushes. Taking one is a lease (``leased_until``);
finishing deletes it; a failure that is not retried stays with its state (``failed``, ``dead``) and reason, the
hub's dead letters. A push is keyed to its subscription, not to a change: several changes while a push waits ride
on it, because a push carries the topic's current first page whenever it goes out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from polywire.ids import new_id
from polywire.store.tables import websub_cursor, websub_jobs, websub_subscriptions

PENDING = "pending"
FAILED = "failed"
DEAD = "dead"


class JobKind(StrEnum):
    VERIFY = "verify"
    DENY = "deny"
    PUSH = "push"


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    kind: JobKind
    subscription_key: str
    callback: str
    topic: str
    mode: str | None
    lease_seconds: int | None
    secret_enc: bytes | None
    reason: str | None
    attempts: int


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    key: str
    callback: str
    topic: str
    secret_enc: bytes | None
    lease_seconds: int
    expires_at: datetime


def add_job(
    db: Connection,
    *,
    kind: JobKind,
    key: str,
    callback: str,
    topic: str,
    now: datetime,
    mode: str | None = None,
    lease_seconds: int | None = None,
    secret_enc: bytes | None = None,
    reason: str | None = None,
) -> str:
    job_id = new_id("wsj")
    db.execute(
        insert(websub_jobs).values(
            id=job_id,
            kind=kind.value,
            subscription_key=key,
            callback=callback,
            topic=topic,
            mode=mode,
            lease_seconds=lease_seconds,
            secret_enc=secret_enc,
            reason=reason,
            state=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return job_id


def subscription(db: Connection, key: str) -> Subscription | None:
    row = db.execute(select(websub_subscriptions).where(websub_subscriptions.c.key == key)).first()
    if row is None:
        return None
    return Subscription(
        id=row.id,
        key=row.key,
        callback=row.callback,
        topic=row.topic,
        secret_enc=bytes(row.secret_enc) if row.secret_enc is not None else None,
        lease_seconds=row.lease_seconds,
        expires_at=row.expires_at,
    )


def activate(db: Connection, job: Job, *, now: datetime) -> None:
    """The callback confirmed a subscribe: create the subscription, or renew it with the new lease and secret."""
    lease = job.lease_seconds or 0
    values = {
        "callback": job.callback,
        "topic": job.topic,
        "secret_enc": job.secret_enc,
        "lease_seconds": lease,
        "expires_at": now + timedelta(seconds=lease),
        "updated_at": now,
    }
    changed = db.execute(
        update(websub_subscriptions).where(websub_subscriptions.c.key == job.subscription_key).values(**values)
    ).rowcount
    if not changed:
        db.execute(
            insert(websub_subscriptions).values(id=new_id("wss"), key=job.subscription_key, created_at=now, **values)
        )


def remove(db: Connection, key: str) -> None:
    """End a subscription (a confirmed unsubscribe, or a 410 from its callback) and drop its waiting pushes."""
    db.execute(delete(websub_subscriptions).where(websub_subscriptions.c.key == key))
    db.execute(
        delete(websub_jobs).where(
            websub_jobs.c.subscription_key == key,
            websub_jobs.c.kind == JobKind.PUSH.value,
            websub_jobs.c.state == PENDING,
            websub_jobs.c.leased_until.is_(None),
        )
    )


def expire(db: Connection, *, now: datetime) -> int:
    """Subscriptions whose lease ran out end (section 5.1: the subscriber renews before then)."""
    expired = (
        db.execute(select(websub_subscriptions.c.key).where(websub_subscriptions.c.expires_at <= now)).scalars().all()
    )
    for key in expired:
        remove(db, key)
    return len(expired)


def active_topics(db: Connection, *, now: datetime) -> list[str]:
    return list(
        db.execute(
            select(websub_subscriptions.c.topic).where(websub_subscriptions.c.expires_at > now).distinct()
        ).scalars()
    )


def enqueue_pushes(db: Connection, *, topic: str, now: datetime) -> int:
    """One push for every live subscription to ``topic`` that has none waiting yet. A push already on the wire
    (leased) does not count: it may carry the page from before this change."""
    subs = db.execute(
        select(websub_subscriptions.c.key, websub_subscriptions.c.callback).where(
            websub_subscriptions.c.topic == topic, websub_subscriptions.c.expires_at > now
        )
    ).all()
    if not subs:
        return 0
    waiting = set(
        db.execute(
            select(websub_jobs.c.subscription_key).where(
                websub_jobs.c.subscription_key.in_([s.key for s in subs]),
                websub_jobs.c.kind == JobKind.PUSH.value,
                websub_jobs.c.state == PENDING,
                or_(websub_jobs.c.leased_until.is_(None), websub_jobs.c.leased_until < now),
            )
        ).scalars()
    )
    added = 0
    for sub in subs:
        if sub.key not in waiting:
            add_job(db, kind=JobKind.PUSH, key=sub.key, callback=sub.callback, topic=topic, now=now)
            added += 1
    return added


def lock_cursor(db: Connection, *, now: datetime) -> datetime:
    """The moment planned up to, locked for this transaction (PostgreSQL; SQLite's BEGIN IMMEDIATE already
    serialises writers). The first run starts from ``now``: subscribers get what changes from then on."""
    query = select(websub_cursor.c.planned_until).where(websub_cursor.c.id == 1)
    if db.dialect.name == "postgresql":
        query = query.with_for_update()
    moment = db.execute(query).scalar()
    if moment is None:
        db.execute(insert(websub_cursor).values(id=1, planned_until=now))
        return now
    value: datetime = moment
    return value


def advance_cursor(db: Connection, *, to: datetime) -> None:
    db.execute(update(websub_cursor).where(websub_cursor.c.id == 1).values(planned_until=to))


def claim(
    db: Connection,
    *,
    now: datetime,
    lease_until: datetime,
    limit: int,
    per_callback: int,
    in_flight: Collection[tuple[str, int]] = (),
) -> list[Job]:
    """Lease up to ``limit`` due jobs, at most ``per_callback`` in flight for any one callback URL (counting the
    ``in_flight`` ones), so that one slow callback's backlog never fills the batch."""
    due = and_(
        websub_jobs.c.state == PENDING,
        websub_jobs.c.next_attempt_at <= now,
        or_(websub_jobs.c.leased_until.is_(None), websub_jobs.c.leased_until < now),
    )
    query = select(websub_jobs.c.id, websub_jobs.c.callback).where(due).order_by(websub_jobs.c.next_attempt_at)
    query = query.limit(limit * 4)
    if db.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    taken: dict[str, int] = dict(in_flight)
    chosen: list[str] = []
    for job_id, callback in db.execute(query).all():
        if taken.get(callback, 0) >= per_callback:
            continue
        taken[callback] = taken.get(callback, 0) + 1
        chosen.append(job_id)
        if len(chosen) >= limit:
            break
    if not chosen:
        return []
    rows = db.execute(
        update(websub_jobs)
        .where(websub_jobs.c.id.in_(chosen), due)
        .values(leased_until=lease_until)
        .returning(
            websub_jobs.c.id,
            websub_jobs.c.kind,
            websub_jobs.c.subscription_key,
            websub_jobs.c.callback,
            websub_jobs.c.topic,
            websub_jobs.c.mode,
            websub_jobs.c.lease_seconds,
            websub_jobs.c.secret_enc,
            websub_jobs.c.reason,
            websub_jobs.c.attempts,
        )
    ).all()
    return [
        Job(
            id=r.id,
            kind=JobKind(r.kind),
            subscription_key=r.subscription_key,
            callback=r.callback,
            topic=r.topic,
            mode=r.mode,
            lease_seconds=r.lease_seconds,
            secret_enc=bytes(r.secret_enc) if r.secret_enc is not None else None,
            reason=r.reason,
            attempts=r.attempts,
        )
        for r in rows
    ]


def finish(db: Connection, job_id: str) -> None:
    db.execute(delete(websub_jobs).where(websub_jobs.c.id == job_id))


def record_failure(
    db: Connection,
    job_id: str,
    *,
    attempts: int,
    state: str,
    status: int | None,
    error: str,
    next_attempt_at: datetime,
    now: datetime,
) -> None:
    """A failed attempt: due again at ``next_attempt_at`` (state pending), or kept as failed/dead with why."""
    db.execute(
        update(websub_jobs)
        .where(websub_jobs.c.id == job_id)
        .values(
            state=state,
            attempts=attempts,
            next_attempt_at=next_attempt_at,
            leased_until=None,
            last_attempt_at=now,
            last_status=status,
            last_error=error,
            # A dead letter keeps no secret it no longer needs.
            secret_enc=None if state != PENDING else websub_jobs.c.secret_enc,
        )
    )


def release_leases(db: Connection) -> int:
    """On start of the only hub runner: whatever the previous run had leased is due again now."""
    return (
        db.execute(
            update(websub_jobs).where(websub_jobs.c.leased_until.is_not(None)).values(leased_until=None)
        ).rowcount
        or 0
    )
