"""The outbox as the runners see it: take due deliveries under a lease, and record what each attempt did.

Taking work is a lease (``leased_until``), finishing is a single update; a runner that dies simply lets its
leases run out and the work becomes due again, carrying the same delivery id (the ``webhook-id``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, and_, func, or_, select, text, update

from polywire.domain.delivery import OPEN_STATES, DeliveryState
from polywire.store.tables import deliveries, endpoints, payloads
from polywire.store.types import UTCDateTime


@dataclass(frozen=True, slots=True)
class Claimed:
    id: str
    payload_id: str
    endpoint_id: str
    attempts: int


@dataclass(frozen=True, slots=True)
class Payload:
    """A rendered copy as the runners send it: the bytes, their media type and the event they announce."""

    event: str
    content_type: str
    body: bytes


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


# How many due rows a claim looks at per row it may take; the surplus lets the per-endpoint cap skip over one
# endpoint's backlog and still fill the batch from others.
_CANDIDATES_PER_SLOT = 4


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
    # Rank only a bounded slice of the due rows, read in due order straight off ix_deliveries_due: a claim then
    # costs in proportion to its batch, not to everything pending (6,500 copies at one embargo instant).
    # Ties on next_attempt_at are left to the index's order on purpose; sorting them by id would mean reading
    # every tied row first.
    window = (
        select(deliveries.c.id, deliveries.c.endpoint_id, deliveries.c.next_attempt_at)
        .where(due)
        .order_by(deliveries.c.next_attempt_at)
        .limit(limit * _CANDIDATES_PER_SLOT)
        .subquery()
    )
    ranked = select(
        window.c.id,
        window.c.next_attempt_at,
        func.row_number()
        .over(partition_by=window.c.endpoint_id, order_by=(window.c.next_attempt_at, window.c.id))
        .label("rank"),
    ).subquery()
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


INTERRUPTED = "interrupted"


def release_all_leases(db: Connection, *, now: datetime) -> int:
    """On start of the only runner of an embedded installation, nobody else can hold a lease.

    A lease left behind means the previous run may have sent that copy without living to record the answer.
    The report must not hide that the receiver may see the copy twice, so each such lease is logged as an
    interrupted attempt before the copy becomes due again (with the same delivery id, the ``webhook-id``).
    """
    leased = db.execute(
        select(deliveries.c.id, deliveries.c.attempts).where(
            deliveries.c.leased_until.is_not(None), deliveries.c.state.in_(OPEN_STATES)
        )
    ).all()
    if not leased:
        return 0
    stamp = _raw_time(db, now)
    note = "the runner stopped before this attempt's answer was recorded; the copy may have arrived"
    db.execute(
        _LOG_ATTEMPT,
        [
            {
                "delivery_id": row.id,
                "number": row.attempts + 1,
                "started_at": stamp,
                "finished_at": stamp,
                "status_code": None,
                "error": note,
                "outcome": INTERRUPTED,
            }
            for row in leased
        ],
    )
    db.execute(
        text(
            "UPDATE deliveries SET attempts = attempts + 1, leased_until = NULL, last_error = :note "
            "WHERE id = :delivery_id"
        ),
        [{"delivery_id": row.id, "note": note} for row in leased],
    )
    return len(leased)


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


def upcoming(db: Connection, *, until: datetime) -> tuple[set[str], set[str]]:
    """Payload and endpoint ids of the held copies that fall due by ``until`` (to prepare before an instant)."""
    rows = db.execute(
        select(deliveries.c.payload_id, deliveries.c.endpoint_id)
        .where(deliveries.c.state == DeliveryState.HELD.value, deliveries.c.next_attempt_at <= until)
        .distinct()
    ).all()
    return {r.payload_id for r in rows}, {r.endpoint_id for r in rows}


def load_payloads(db: Connection, ids: Iterable[str]) -> dict[str, Payload]:
    """payload id → the rendered copy, for the given ids."""
    rows = db.execute(
        select(payloads.c.id, payloads.c.event, payloads.c.content_type, payloads.c.body).where(
            payloads.c.id.in_(sorted(set(ids)))
        )
    ).all()
    return {r.id: Payload(event=r.event, content_type=r.content_type, body=bytes(r.body)) for r in rows}


def load_targets(db: Connection, ids: Iterable[str]) -> dict[str, EndpointTarget]:
    rows = db.execute(
        select(
            endpoints.c.id,
            endpoints.c.url,
            endpoints.c.enabled,
            endpoints.c.secret_enc,
            endpoints.c.previous_secret_enc,
            endpoints.c.previous_secret_until,
            endpoints.c.failing_since,
        ).where(endpoints.c.id.in_(sorted(set(ids))))
    ).all()
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


def _raw_time(db: Connection, moment: datetime | None) -> datetime | str | None:
    """A timestamp in the form the driver stores directly, bypassing per-row type processing.

    The runners write thousands of rows a second; SQLAlchemy's per-parameter processing cost more than SQLite's
    own work. On SQLite this is the naive-UTC text SQLAlchemy's DateTime stores (so ordering and comparisons
    with rows written through ``UTCDateTime`` agree); PostgreSQL takes aware datetimes as they are.
    """
    if moment is None:
        return None
    if db.dialect.name == "sqlite":
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return moment


_LOG_ATTEMPT = text(
    "INSERT INTO attempts (delivery_id, number, started_at, finished_at, status_code, error, outcome) "
    "VALUES (:delivery_id, :number, :started_at, :finished_at, :status_code, :error, :outcome)"
)

# A copy that arrived is recorded as delivered whatever happened to its row meanwhile (an honest report); a
# failure only moves a delivery that is still pending, so a copy superseded or cancelled meanwhile stays so.
_MOVE_DELIVERY = text(
    "UPDATE deliveries SET state = :state, attempts = :number, next_attempt_at = :next_at, leased_until = NULL, "
    "last_status = :status, last_error = :error, last_attempt_at = :finished_at, "
    "first_attempt_at = COALESCE(first_attempt_at, :started_at), delivered_at = :delivered_at "
    "WHERE id = :delivery_id AND (state = 'pending' OR :state = 'delivered')"
)


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
        rows = []
        for r in records:
            finished = _raw_time(db, r.finished_at)
            rows.append(
                {
                    "delivery_id": r.delivery_id,
                    "number": r.number,
                    "started_at": _raw_time(db, r.started_at),
                    "finished_at": finished,
                    "status_code": r.status,
                    "status": r.status,
                    "error": r.error,
                    "outcome": r.state.value,
                    "state": r.state.value,
                    "next_at": _raw_time(db, r.next_attempt_at),
                    "delivered_at": finished if r.state is DeliveryState.DELIVERED else None,
                }
            )
        db.execute(_LOG_ATTEMPT, rows)
        db.execute(_MOVE_DELIVERY, rows)
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
