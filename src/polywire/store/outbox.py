"""The outbox as the runners see it: take due deliveries under a lease, and record what each attempt did.

Taking work is a lease (``leased_until``), finishing is a single update; a runner that dies simply lets its
leases run out and the work becomes due again, carrying the same delivery id (the ``webhook-id``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, bindparam, func, insert, literal_column, or_, select, update

from polywire.domain.delivery import OPEN_STATES, DeliveryState
from polywire.store.tables import attempts, deliveries, endpoints, payloads
from polywire.store.types import UTCDateTime


@dataclass(frozen=True, slots=True)
class Claimed:
    id: str
    payload_id: str
    endpoint_id: str
    attempts: int


@dataclass(frozen=True, slots=True)
class EndpointTarget:
    id: str
    url: str
    enabled: bool
    secret_enc: bytes
    previous_secret_enc: bytes | None
    previous_secret_until: datetime | None
    failing_since: datetime | None


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """The result of one attempt and the state it moves its delivery to."""

    delivery_id: str
    number: int
    started_at: datetime
    finished_at: datetime
    status: int | None
    error: str | None
    state: DeliveryState
    next_attempt_at: datetime


def promote_due(db: Connection, *, now: datetime) -> int:
    """The embargo instant: every held copy whose time has come becomes pending, in one statement."""
    result = db.execute(
        update(deliveries)
        .where(deliveries.c.state == DeliveryState.HELD.value, deliveries.c.next_attempt_at <= now)
        .values(state=DeliveryState.PENDING.value)
    )
    return result.rowcount or 0


def claim(
    db: Connection,
    *,
    now: datetime,
    lease_until: datetime,
    limit: int,
    per_endpoint: int,
    busy_endpoints: Collection[str] = (),
) -> list[Claimed]:
    """Lease up to ``limit`` due deliveries, at most ``per_endpoint`` for any one endpoint.

    The per-endpoint cap is what keeps one slow receiver with a long backlog from filling every slot.
    """
    due = and_(
        deliveries.c.state == DeliveryState.PENDING.value,
        deliveries.c.next_attempt_at <= now,
        or_(deliveries.c.leased_until.is_(None), deliveries.c.leased_until < now),
    )
    if busy_endpoints:
        due = and_(due, deliveries.c.endpoint_id.not_in(sorted(busy_endpoints)))
    ranked = (
        select(
            deliveries.c.id,
            deliveries.c.next_attempt_at,
            func.row_number()
            .over(partition_by=deliveries.c.endpoint_id, order_by=(deliveries.c.next_attempt_at, deliveries.c.id))
            .label("rank"),
        )
        .where(due)
        .subquery()
    )
    if db.dialect.name == "postgresql":
        # Several workers may claim at once. Rows another claim has locked are skipped *before* the limit is
        # applied (LockRows sits under Limit), so a concurrent claimer takes the next due rows instead of
        # coming back empty; and the due condition is re-checked on the locked row's newest version, so a row
        # another claim leased and committed meanwhile is skipped rather than leased twice. The locking select
        # is a CTE so that it runs exactly once: as a plain IN-subquery the planner may rescan it, and each
        # rescan skips the rows this very UPDATE already changed and locks the next ones, past the limit.
        candidates = select(ranked.c.id).where(ranked.c.rank <= per_endpoint)
        locked = (
            select(deliveries.c.id)
            .where(deliveries.c.id.in_(candidates), due)
            .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("claimable")
        )
        ids_clause = deliveries.c.id.in_(select(locked.c.id))
    else:
        # SQLite: write transactions begin with BEGIN IMMEDIATE (store/db.py), so claims are serialised anyway.
        chosen = (
            select(ranked.c.id)
            .where(ranked.c.rank <= per_endpoint)
            .order_by(ranked.c.next_attempt_at, ranked.c.id)
            .limit(limit)
        )
        ids_clause = deliveries.c.id.in_(chosen.scalar_subquery())
    rows = db.execute(
        update(deliveries)
        .where(ids_clause, due)
        .values(leased_until=lease_until)
        .returning(deliveries.c.id, deliveries.c.payload_id, deliveries.c.endpoint_id, deliveries.c.attempts)
    ).all()
    return [Claimed(id=r.id, payload_id=r.payload_id, endpoint_id=r.endpoint_id, attempts=r.attempts) for r in rows]


def release_all_leases(db: Connection) -> int:
    """On start of the only runner of an embedded installation, nobody else can hold a lease."""
    result = db.execute(
        update(deliveries)
        .where(deliveries.c.leased_until.is_not(None), deliveries.c.state.in_(OPEN_STATES))
        .values(leased_until=None)
    )
    return result.rowcount or 0


def next_due(db: Connection, *, busy_endpoints: Collection[str] = ()) -> datetime | None:
    """The earliest moment any open, unleased delivery falls due (held copies included).

    ``busy_endpoints`` are left out, as in ``claim``: their backlog is not claimable until a slot frees.
    """
    query = select(func.min(deliveries.c.next_attempt_at)).where(
        deliveries.c.state.in_(OPEN_STATES), deliveries.c.leased_until.is_(None)
    )
    if busy_endpoints:
        query = query.where(deliveries.c.endpoint_id.not_in(sorted(busy_endpoints)))
    value = db.execute(query).scalar()
    if value is None:
        return None
    return UTCDateTime().process_result_value(value, db.dialect)


def load_payloads(db: Connection, ids: Iterable[str]) -> dict[str, tuple[str, bytes]]:
    rows = db.execute(
        select(payloads.c.id, payloads.c.content_type, payloads.c.body).where(payloads.c.id.in_(sorted(set(ids))))
    ).all()
    return {r.id: (r.content_type, bytes(r.body)) for r in rows}


def load_targets(db: Connection, ids: Iterable[str]) -> dict[str, EndpointTarget]:
    rows = db.execute(select(endpoints).where(endpoints.c.id.in_(sorted(set(ids))))).all()
    return {
        r.id: EndpointTarget(
            id=r.id,
            url=r.url,
            enabled=r.enabled,
            secret_enc=bytes(r.secret_enc),
            previous_secret_enc=bytes(r.previous_secret_enc) if r.previous_secret_enc is not None else None,
            previous_secret_until=r.previous_secret_until,
            failing_since=r.failing_since,
        )
        for r in rows
    }


def record_attempts(
    db: Connection,
    records: list[AttemptRecord],
    *,
    healthy_endpoints: Collection[str],
    failing_endpoints: Collection[str],
    disable: dict[str, str],
    now: datetime,
) -> None:
    """Write a batch of attempt results: the attempt log, the deliveries' new states, endpoint health."""
    if records:
        db.execute(
            insert(attempts),
            [
                {
                    "delivery_id": r.delivery_id,
                    "number": r.number,
                    "started_at": r.started_at,
                    "finished_at": r.finished_at,
                    "status_code": r.status,
                    "error": r.error,
                    "outcome": r.state.value,
                }
                for r in records
            ],
        )
        delivered = DeliveryState.DELIVERED.value
        statement = (
            update(deliveries)
            .where(
                deliveries.c.id == bindparam("b_id"),
                # A copy that arrived is recorded as delivered whatever happened meanwhile (honest report);
                # a failure only moves a delivery that is still ours to move.
                or_(
                    deliveries.c.state == DeliveryState.PENDING.value,
                    bindparam("b_state") == literal_column(f"'{delivered}'"),
                ),
            )
            .values(
                state=bindparam("b_state"),
                attempts=bindparam("b_number"),
                next_attempt_at=bindparam("b_next", type_=UTCDateTime()),
                leased_until=None,
                last_status=bindparam("b_status"),
                last_error=bindparam("b_error"),
                last_attempt_at=bindparam("b_finished", type_=UTCDateTime()),
                first_attempt_at=func.coalesce(
                    deliveries.c.first_attempt_at, bindparam("b_started", type_=UTCDateTime())
                ),
                delivered_at=bindparam("b_delivered", type_=UTCDateTime()),
            )
        )
        db.execute(
            statement,
            [
                {
                    "b_id": r.delivery_id,
                    "b_state": r.state.value,
                    "b_number": r.number,
                    "b_next": r.next_attempt_at,
                    "b_status": r.status,
                    "b_error": r.error,
                    "b_finished": r.finished_at,
                    "b_started": r.started_at,
                    "b_delivered": r.finished_at if r.state is DeliveryState.DELIVERED else None,
                }
                for r in records
            ],
        )
    if healthy_endpoints:
        db.execute(
            update(endpoints)
            .where(endpoints.c.id.in_(sorted(healthy_endpoints)), endpoints.c.failing_since.is_not(None))
            .values(failing_since=None)
        )
    if failing_endpoints:
        db.execute(
            update(endpoints)
            .where(endpoints.c.id.in_(sorted(failing_endpoints)), endpoints.c.failing_since.is_(None))
            .values(failing_since=now)
        )
    for endpoint_id, reason in disable.items():
        disable_endpoint(db, endpoint_id, reason=reason, now=now)


def disable_endpoint(db: Connection, endpoint_id: str, *, reason: str, now: datetime) -> None:
    """Stop delivering to an endpoint; its waiting copies go to the dead letters with the reason."""
    db.execute(
        update(endpoints)
        .where(endpoints.c.id == endpoint_id)
        .values(enabled=False, disabled_reason=reason, disabled_at=now)
    )
    db.execute(
        update(deliveries)
        .where(deliveries.c.endpoint_id == endpoint_id, deliveries.c.state.in_(OPEN_STATES))
        .values(state=DeliveryState.DEAD.value, last_error=f"endpoint disabled: {reason}", leased_until=None)
    )
