"""The outbox as the delivery runners use it (store/outbox.py), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Collection
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text, update

from polywire.domain.delivery import DeliveryState
from polywire.store import outbox
from polywire.store.tables import attempts, deliveries, endpoints
from tests.integration.seed import NOW, add_delivery, add_endpoints, add_release, delivery

SECOND = timedelta(seconds=1)
LEASE = NOW + timedelta(seconds=60)


def _claim(
    engine: Engine,
    *,
    now: datetime = NOW,
    limit: int = 100,
    per_endpoint: int = 100,
    busy_endpoints: Collection[str] = (),
) -> list[outbox.Claimed]:
    with engine.begin() as db:
        return outbox.claim(
            db,
            now=now,
            lease_until=now + timedelta(seconds=60),
            limit=limit,
            per_endpoint=per_endpoint,
            busy_endpoints=busy_endpoints,
        )


def _record(
    delivery_id: str,
    number: int,
    state: DeliveryState,
    *,
    status: int | None = None,
    error: str | None = None,
    at: datetime = NOW,
    retry_at: datetime | None = None,
) -> outbox.AttemptRecord:
    return outbox.AttemptRecord(
        delivery_id=delivery_id,
        number=number,
        started_at=at,
        finished_at=at + timedelta(milliseconds=250),
        status=status,
        error=error,
        state=state,
        next_attempt_at=retry_at or at + timedelta(milliseconds=250),
    )


def test_promote_due_flips_only_held_rows_whose_time_has_come(migrated: Engine) -> None:
    """Held rows due at or before now become pending; future held rows and every other state stay as they are."""
    with migrated.begin() as db:
        (ep,) = add_endpoints(db, 1)
        rel = add_release(db)
        past = add_delivery(db, release_id=rel, endpoint_id=ep, state="held", next_attempt_at=NOW - SECOND)
        exactly = add_delivery(db, release_id=rel, endpoint_id=ep, state="held", next_attempt_at=NOW)
        micro_late = add_delivery(
            db, release_id=rel, endpoint_id=ep, state="held", next_attempt_at=NOW + timedelta(microseconds=1)
        )
        future = add_delivery(db, release_id=rel, endpoint_id=ep, state="held", next_attempt_at=NOW + SECOND)
        superseded = add_delivery(db, release_id=rel, endpoint_id=ep, state="superseded", next_attempt_at=NOW - SECOND)
        canceled = add_delivery(db, release_id=rel, endpoint_id=ep, state="canceled", next_attempt_at=NOW - SECOND)
    with migrated.begin() as db:
        assert outbox.promote_due(db, now=NOW) == 2
    with migrated.connect() as db:
        states = {d: delivery(db, d).state for d in (past, exactly, micro_late, future, superseded, canceled)}
    assert states == {
        past: "pending",
        exactly: "pending",
        micro_late: "held",
        future: "held",
        superseded: "superseded",
        canceled: "canceled",
    }
    with migrated.begin() as db:
        assert outbox.promote_due(db, now=NOW) == 0


def test_claim_takes_the_earliest_due_rows_within_limit_and_per_endpoint_cap(migrated: Engine) -> None:
    """claim leases at most `limit` rows, at most `per_endpoint` per endpoint, earliest first, and stamps the lease."""
    with migrated.begin() as db:
        a, b, c = add_endpoints(db, 3)
        rel = add_release(db)
        on_a = [
            add_delivery(db, release_id=rel, endpoint_id=a, next_attempt_at=NOW - (10 - i) * SECOND) for i in range(5)
        ]
        on_b = [
            add_delivery(db, release_id=rel, endpoint_id=b, next_attempt_at=NOW - (5 - i) * SECOND) for i in range(5)
        ]
        on_c = [add_delivery(db, release_id=rel, endpoint_id=c, next_attempt_at=NOW - 20 * SECOND)]
    claimed = _claim(migrated, limit=4, per_endpoint=2)
    assert {x.id for x in claimed} == {on_c[0], on_a[0], on_a[1], on_b[0]}
    per_endpoint = Counter(x.endpoint_id for x in claimed)
    assert max(per_endpoint.values()) <= 2
    for x in claimed:
        assert x.attempts == 0
        assert x.payload_id.startswith("pay_")
    with migrated.connect() as db:
        leases = dict(db.execute(select(deliveries.c.id, deliveries.c.leased_until)).all())
    assert {d for d, lease in leases.items() if lease is not None} == {x.id for x in claimed}
    assert all(leases[x.id] == LEASE for x in claimed)

    # The next claim continues with what is left, still capped per endpoint.
    again = _claim(migrated, limit=100, per_endpoint=2)
    assert {x.id for x in again} == {on_a[2], on_a[3], on_b[1], on_b[2]}


def test_claim_never_returns_leased_not_due_busy_or_closed_rows(migrated: Engine) -> None:
    """Only pending, due, unleased (or lease-expired) rows of endpoints not marked busy are claimed."""
    with migrated.begin() as db:
        ep, busy = add_endpoints(db, 2)
        rel = add_release(db)
        due = add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW)
        expired = add_delivery(
            db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW - SECOND, leased_until=NOW - SECOND
        )
        add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW - SECOND, leased_until=NOW + SECOND)
        add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW + timedelta(microseconds=1))
        add_delivery(db, release_id=rel, endpoint_id=ep, state="held", next_attempt_at=NOW - SECOND)
        for closed in ("delivered", "failed", "dead", "superseded", "canceled"):
            add_delivery(db, release_id=rel, endpoint_id=ep, state=closed, next_attempt_at=NOW - SECOND)
        add_delivery(db, release_id=rel, endpoint_id=busy, next_attempt_at=NOW - SECOND)
    claimed = _claim(migrated, busy_endpoints={busy})
    assert {x.id for x in claimed} == {due, expired}
    assert _claim(migrated, busy_endpoints={busy}) == [], "a row under a live lease was handed out again"


def test_expired_leases_are_claimed_again_with_the_same_delivery_id(migrated: Engine) -> None:
    """A runner that dies lets its lease run out; the same rows (same webhook-id) are then claimable again."""
    with migrated.begin() as db:
        (ep,) = add_endpoints(db, 1)
        rel = add_release(db)
        ids = {add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW - SECOND) for _ in range(3)}
    first = _claim(migrated)
    assert {x.id for x in first} == ids
    assert _claim(migrated, now=NOW + 59 * SECOND) == []
    later = NOW + 61 * SECOND
    second = _claim(migrated, now=later)
    assert {x.id for x in second} == ids
    with migrated.connect() as db:
        leases = set(db.execute(select(deliveries.c.leased_until)).scalars())
    assert leases == {later + timedelta(seconds=60)}


def test_record_attempts_writes_the_log_and_moves_states(migrated: Engine) -> None:
    """Successes become delivered, retries stay pending at their retry time, permanent failures fail; all logged."""
    with migrated.begin() as db:
        good, bad = add_endpoints(db, 2)
        rel = add_release(db)
        ok = add_delivery(db, release_id=rel, endpoint_id=good, next_attempt_at=NOW - SECOND)
        retry = add_delivery(db, release_id=rel, endpoint_id=bad, next_attempt_at=NOW - SECOND)
        refused = add_delivery(db, release_id=rel, endpoint_id=bad, next_attempt_at=NOW - SECOND)
    assert len(_claim(migrated)) == 3
    retry_at = NOW + 30 * SECOND
    with migrated.begin() as db:
        outbox.record_attempts(
            db,
            [
                _record(ok, 1, DeliveryState.DELIVERED, status=204),
                _record(retry, 1, DeliveryState.PENDING, status=503, retry_at=retry_at),
                _record(refused, 1, DeliveryState.FAILED, status=400, error="HTTP 400"),
            ],
            healthy_endpoints={good},
            failing_endpoints={bad},
            disable={},
            now=NOW,
        )
    finished = NOW + timedelta(milliseconds=250)
    with migrated.connect() as db:
        row_ok, row_retry, row_refused = (delivery(db, d) for d in (ok, retry, refused))
        log = db.execute(select(attempts).order_by(attempts.c.id)).all()
        health = dict(db.execute(select(endpoints.c.id, endpoints.c.failing_since)).all())
    assert (row_ok.state, row_ok.attempts, row_ok.last_status, row_ok.leased_until) == ("delivered", 1, 204, None)
    assert row_ok.delivered_at == finished
    assert row_ok.first_attempt_at == NOW
    assert row_ok.last_attempt_at == finished
    assert (row_retry.state, row_retry.attempts, row_retry.leased_until, row_retry.delivered_at) == (
        "pending",
        1,
        None,
        None,
    )
    assert row_retry.next_attempt_at == retry_at
    assert (row_refused.state, row_refused.last_status, row_refused.last_error) == ("failed", 400, "HTTP 400")
    assert [(r.delivery_id, r.number, r.status_code, r.outcome) for r in log] == [
        (ok, 1, 204, "delivered"),
        (retry, 1, 503, "pending"),
        (refused, 1, 400, "failed"),
    ]
    assert all(r.started_at == NOW and r.finished_at == finished for r in log)
    assert health == {good: None, bad: NOW}

    # The retry falls due, is claimed again, and succeeds: first_attempt_at keeps the first try.
    (again,) = _claim(migrated, now=retry_at)
    assert (again.id, again.attempts) == (retry, 1)
    later = retry_at + SECOND
    with migrated.begin() as db:
        outbox.record_attempts(
            db,
            [_record(retry, 2, DeliveryState.DELIVERED, status=200, at=later)],
            healthy_endpoints={bad},
            failing_endpoints=set(),
            disable={},
            now=later,
        )
    with migrated.connect() as db:
        row = delivery(db, retry)
        failing_since = db.execute(select(endpoints.c.failing_since).where(endpoints.c.id == bad)).scalar_one()
        logged = db.execute(select(attempts.c.number).where(attempts.c.delivery_id == retry)).scalars().all()
    assert (row.state, row.attempts, row.first_attempt_at) == ("delivered", 2, NOW)
    assert failing_since is None
    assert sorted(logged) == [1, 2]


def test_failing_since_keeps_the_first_failure(migrated: Engine) -> None:
    """An endpoint already failing keeps its original failing_since when later attempts fail too."""
    with migrated.begin() as db:
        (ep,) = add_endpoints(db, 1)
        rel = add_release(db)
        d = add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW - SECOND)
    for number, when in ((1, NOW), (2, NOW + 90 * SECOND)):
        (claimed,) = _claim(migrated, now=when)
        assert claimed.id == d
        with migrated.begin() as db:
            outbox.record_attempts(
                db,
                [_record(d, number, DeliveryState.PENDING, status=500, at=when, retry_at=when + SECOND)],
                healthy_endpoints=set(),
                failing_endpoints={ep},
                disable={},
                now=when,
            )
    with migrated.connect() as db:
        assert db.execute(select(endpoints.c.failing_since)).scalar_one() == NOW
        assert delivery(db, d).attempts == 2


@pytest.mark.parametrize("meanwhile", ["superseded", "canceled", "dead"])
def test_a_failure_does_not_overwrite_a_row_closed_meanwhile(migrated: Engine, meanwhile: str) -> None:
    """If a copy was superseded/canceled/killed while in flight, a failed attempt is logged but the state stays."""
    with migrated.begin() as db:
        (ep,) = add_endpoints(db, 1)
        rel = add_release(db)
        d = add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW - SECOND)
    _claim(migrated)
    with migrated.begin() as db:
        db.execute(update(deliveries).where(deliveries.c.id == d).values(state=meanwhile, last_error="closed"))
    with migrated.begin() as db:
        outbox.record_attempts(
            db,
            [_record(d, 1, DeliveryState.PENDING, status=500, retry_at=NOW + 10 * SECOND)],
            healthy_endpoints=set(),
            failing_endpoints={ep},
            disable={},
            now=NOW,
        )
    with migrated.connect() as db:
        row = delivery(db, d)
        logged = db.execute(select(attempts.c.outcome).where(attempts.c.delivery_id == d)).scalars().all()
    assert (row.state, row.last_error, row.attempts, row.last_status) == (meanwhile, "closed", 0, None)
    assert logged == ["pending"]


def test_a_success_is_recorded_even_if_the_row_was_superseded_meanwhile(migrated: Engine) -> None:
    """A copy that arrived is reported delivered even when a newer version superseded it during the attempt."""
    with migrated.begin() as db:
        (ep,) = add_endpoints(db, 1)
        rel = add_release(db)
        d = add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW - SECOND)
    _claim(migrated)
    with migrated.begin() as db:
        db.execute(update(deliveries).where(deliveries.c.id == d).values(state="superseded"))
        outbox.record_attempts(
            db,
            [_record(d, 1, DeliveryState.DELIVERED, status=200)],
            healthy_endpoints={ep},
            failing_endpoints=set(),
            disable={},
            now=NOW,
        )
    with migrated.connect() as db:
        row = delivery(db, d)
    assert (row.state, row.attempts, row.last_status, row.leased_until) == ("delivered", 1, 200, None)
    assert row.delivered_at == NOW + timedelta(milliseconds=250)


def test_release_all_leases_frees_open_rows_only(migrated: Engine) -> None:
    """release_all_leases clears every lease on open rows (so they are claimable at once) and reports how many,
    logging each as an interrupted attempt so the report does not hide a copy that may have arrived twice."""
    with migrated.begin() as db:
        (ep,) = add_endpoints(db, 1)
        rel = add_release(db)
        held = add_delivery(db, release_id=rel, endpoint_id=ep, state="held", next_attempt_at=NOW, leased_until=LEASE)
        pending = [
            add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW, leased_until=LEASE) for _ in range(2)
        ]
        done = add_delivery(
            db, release_id=rel, endpoint_id=ep, state="delivered", next_attempt_at=NOW, leased_until=LEASE
        )
        free = add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW)
    assert {x.id for x in _claim(migrated)} == {free}
    with migrated.begin() as db:
        assert outbox.release_all_leases(db, now=NOW) == 4  # held + 2 pending + the row just claimed
    with migrated.connect() as db:
        leases = {d: delivery(db, d).leased_until for d in (held, *pending, free, done)}
        counted = {d: delivery(db, d).attempts for d in (held, *pending, free, done)}
        interrupted = db.execute(
            select(attempts.c.delivery_id, attempts.c.number).where(attempts.c.outcome == outbox.INTERRUPTED)
        ).all()
    assert leases == {held: None, pending[0]: None, pending[1]: None, free: None, done: LEASE}
    assert counted == {held: 1, pending[0]: 1, pending[1]: 1, free: 1, done: 0}
    assert sorted(interrupted) == sorted((d, 1) for d in (held, *pending, free))
    assert {x.id for x in _claim(migrated)} == {*pending, free}


def test_next_due_is_the_earliest_open_unleased_moment(migrated: Engine) -> None:
    """next_due is None with nothing open, else the earliest held/pending unleased next_attempt_at, in UTC."""
    with migrated.connect() as db:
        assert outbox.next_due(db) is None
    with migrated.begin() as db:
        (ep,) = add_endpoints(db, 1)
        rel = add_release(db)
        add_delivery(db, release_id=rel, endpoint_id=ep, state="delivered", next_attempt_at=NOW - 99 * SECOND)
        add_delivery(db, release_id=rel, endpoint_id=ep, state="canceled", next_attempt_at=NOW - 98 * SECOND)
        add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW - 97 * SECOND, leased_until=LEASE)
        add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW + 5 * SECOND)
    with migrated.connect() as db:
        due = outbox.next_due(db)
    assert due == NOW + 5 * SECOND
    assert due is not None and due.tzinfo is not None and due.utcoffset() == timedelta(0)
    with migrated.begin() as db:
        held = NOW + timedelta(seconds=2, microseconds=7)
        add_delivery(db, release_id=rel, endpoint_id=ep, state="held", next_attempt_at=held)
    with migrated.connect() as db:
        assert outbox.next_due(db) == held
    # An endpoint at its in-flight cap does not count: its backlog is not claimable until a slot frees.
    with migrated.begin() as db:
        (busy,) = add_endpoints(db, 1)
        add_delivery(db, release_id=rel, endpoint_id=busy, next_attempt_at=NOW - 50 * SECOND)
    with migrated.connect() as db:
        assert outbox.next_due(db) == NOW - 50 * SECOND
        assert outbox.next_due(db, busy_endpoints={busy}) == held


def test_disable_endpoint_sends_its_open_copies_to_the_dead_letters(migrated: Engine) -> None:
    """disable_endpoint disables the endpoint and marks its held/pending copies dead with the reason; nothing else."""
    with migrated.begin() as db:
        ep, other = add_endpoints(db, 2)
        rel = add_release(db)
        held = add_delivery(db, release_id=rel, endpoint_id=ep, state="held", next_attempt_at=NOW + SECOND)
        pending = add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW, leased_until=LEASE)
        done = add_delivery(db, release_id=rel, endpoint_id=ep, state="delivered", next_attempt_at=NOW)
        elsewhere = add_delivery(db, release_id=rel, endpoint_id=other, next_attempt_at=NOW)
    with migrated.begin() as db:
        outbox.disable_endpoint(db, ep, reason="the endpoint answered 410 Gone", now=NOW)
    with migrated.connect() as db:
        rows = {d: delivery(db, d) for d in (held, pending, done, elsewhere)}
        target = db.execute(select(endpoints).where(endpoints.c.id == ep)).one()
        untouched = db.execute(select(endpoints).where(endpoints.c.id == other)).one()
    for d in (held, pending):
        assert rows[d].state == "dead"
        assert rows[d].last_error == "endpoint disabled: the endpoint answered 410 Gone"
        assert rows[d].leased_until is None
    assert (rows[done].state, rows[done].last_error) == ("delivered", None)
    assert (rows[elsewhere].state, rows[elsewhere].last_error) == ("pending", None)
    assert (target.enabled, target.disabled_reason, target.disabled_at) == (
        False,
        "the endpoint answered 410 Gone",
        NOW,
    )
    assert (untouched.enabled, untouched.disabled_reason) == (True, None)
    assert {x.id for x in _claim(migrated)} == {elsewhere}


def test_record_attempts_disables_endpoints_it_is_told_to(migrated: Engine) -> None:
    """The `disable` map of record_attempts disables the endpoint and kills its remaining open copies."""
    with migrated.begin() as db:
        (ep,) = add_endpoints(db, 1)
        rel = add_release(db)
        gone = add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW - SECOND)
        waiting = add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW + 10 * SECOND)
    _claim(migrated)
    with migrated.begin() as db:
        outbox.record_attempts(
            db,
            [_record(gone, 1, DeliveryState.FAILED, status=410)],
            healthy_endpoints=set(),
            failing_endpoints={ep},
            disable={ep: "the endpoint answered 410 Gone"},
            now=NOW,
        )
    with migrated.connect() as db:
        assert (delivery(db, gone).state, delivery(db, gone).last_status) == ("failed", 410)
        assert delivery(db, waiting).state == "dead"
        enabled = db.execute(select(endpoints.c.enabled).where(endpoints.c.id == ep)).scalar_one()
        targets = outbox.load_targets(db, [ep])
    assert enabled is False
    assert targets[ep].enabled is False
    assert targets[ep].failing_since == NOW


def _seed_backlog(engine: Engine, *, endpoints_count: int, per_endpoint: int) -> set[str]:
    with engine.begin() as db:
        eps = add_endpoints(db, endpoints_count)
        rel = add_release(db)
        return {
            add_delivery(db, release_id=rel, endpoint_id=ep, next_attempt_at=NOW - (i + 1) * SECOND)
            for ep in eps
            for i in range(per_endpoint)
        }


def test_concurrent_claimers_in_threads_never_lease_the_same_row(migrated: Engine) -> None:
    """Two runners claiming at the same moment from two connections get disjoint rows and, together, all of them."""
    backlog = _seed_backlog(migrated, endpoints_count=8, per_endpoint=25)
    barrier = threading.Barrier(2, timeout=10)
    taken: list[list[str]] = [[], []]
    errors: list[BaseException] = []
    stop = threading.Event()

    def runner(slot: int) -> None:
        try:
            for _ in range(60):
                barrier.wait()
                if stop.is_set():
                    return
                with migrated.begin() as db:
                    claimed = outbox.claim(db, now=NOW, lease_until=LEASE, limit=9, per_endpoint=2)
                taken[slot].extend(x.id for x in claimed)
                barrier.wait()
                if slot == 0 and len(taken[0]) + len(taken[1]) >= len(backlog):
                    stop.set()
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=runner, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    all_taken = taken[0] + taken[1]
    duplicates = [d for d, n in Counter(all_taken).items() if n > 1]
    assert duplicates == [], f"leased twice: {duplicates[:5]}"
    assert set(all_taken) == backlog


def test_postgres_claim_skips_rows_locked_by_another_open_claim(postgres_engine: Engine) -> None:
    """On PostgreSQL a claim does not wait for another runner's uncommitted claim: it skips those rows and takes
    the next due ones (FOR UPDATE SKIP LOCKED), so both runners get disjoint, non-empty work."""
    backlog = _seed_backlog(postgres_engine, endpoints_count=6, per_endpoint=3)
    with postgres_engine.connect() as first, postgres_engine.connect() as second:
        first_tx = first.begin()
        mine = outbox.claim(first, now=NOW, lease_until=LEASE, limit=4, per_endpoint=1)
        assert len(mine) == 4
        second_tx = second.begin()
        # Waiting on the first claim's row locks would be the bug; make it fail fast instead of hanging.
        second.execute(text("SET LOCAL lock_timeout = '2s'"))
        theirs = outbox.claim(second, now=NOW, lease_until=LEASE, limit=4, per_endpoint=1)
        second_tx.commit()
        first_tx.commit()
    assert {x.id for x in mine}.isdisjoint({x.id for x in theirs})
    assert len(theirs) == 2, "the second runner should get the two endpoints the first one did not take"
    assert {x.endpoint_id for x in mine}.isdisjoint({x.endpoint_id for x in theirs})
    with postgres_engine.connect() as db:
        leased = set(db.execute(select(deliveries.c.id).where(deliveries.c.leased_until.is_not(None))).scalars())
    assert leased == {x.id for x in mine} | {x.id for x in theirs}
    assert leased < backlog
