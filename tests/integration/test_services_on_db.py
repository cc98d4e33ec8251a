"""The release services over a real connection: deliveries materialised, superseded, canceled, reported."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Connection, Engine, select

from polywire.domain.delivery import DeliveryState
from polywire.domain.roles import Principal, Role
from polywire.errors import Conflict
from polywire.secretbox import SecretBox
from polywire.services.inputs import CorrectionIn, EndpointIn, ReleaseIn, SubscriberIn
from polywire.services.releases import correct_release, submit_release, withdraw_release
from polywire.services.report import delivery_report
from polywire.services.subscribers import EndpointPolicy, create_subscriber
from polywire.store import outbox
from polywire.store.tables import deliveries, payloads

PUBLISHER = Principal(key_id="key_acme", name="acme-press", role=Role.PUBLISHER, organization="Acme")


@pytest.fixture
def policy() -> EndpointPolicy:
    return EndpointPolicy(box=SecretBox(Fernet.generate_key()), allow_private=True)


def _subscriber(db: Connection, policy: EndpointPolicy, name: str, languages: list[str], urls: list[str]) -> Any:
    draft = SubscriberIn(
        name=name,
        kind="outlet",
        languages=languages,
        endpoints=[EndpointIn(type="webhook", url=url) for url in urls],
    )
    return create_subscriber(db=db, draft=draft, policy=policy)


def _draft(headline: str = "Acme opens a plant", embargo: datetime | None = None) -> ReleaseIn:
    return ReleaseIn(
        headline=headline,
        body_html="<p>Acme opens a plant in Leipzig.</p>",
        language="en",
        embargo_until=embargo,
    )


def _rows(db: Connection, release_id: str) -> list[Any]:
    return list(
        db.execute(
            select(deliveries, payloads.c.event)
            .join(payloads, payloads.c.id == deliveries.c.payload_id)
            .where(deliveries.c.release_id == release_id)
            .order_by(deliveries.c.version, deliveries.c.endpoint_id)
        ).all()
    )


def _setup_subscribers(engine: Engine, policy: EndpointPolicy) -> set[str]:
    """Two English outlets (one with two endpoints) and a German one; returns the English endpoint ids."""
    with engine.begin() as db:
        planet = _subscriber(db, policy, "Daily Planet", ["en"], ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"])
        bugle = _subscriber(db, policy, "Daily Bugle", ["en"], ["http://127.0.0.1:9/c"])
        _subscriber(db, policy, "Tagesblatt", ["de"], ["http://127.0.0.1:9/d"])
    return {ep["id"] for ep in planet["endpoints"]} | {ep["id"] for ep in bugle["endpoints"]}


def test_embargoed_release_is_held_per_matching_endpoint_then_corrected_and_withdrawn(
    migrated: Engine, policy: EndpointPolicy
) -> None:
    """Submit holds one row per matching endpoint until the embargo; a correction supersedes them with new rows,
    a withdrawal cancels the open ones; the delivery report counts exactly what the rows say."""
    english = _setup_subscribers(migrated, policy)
    embargo = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=123_456)
    with migrated.begin() as db:
        view, created = submit_release(db=db, principal=PUBLISHER, draft=_draft(embargo=embargo))
    assert created is True
    release_id = view["id"]
    with migrated.connect() as db:
        v1 = _rows(db, release_id)
    assert {r.endpoint_id for r in v1} == english
    assert len(v1) == 3
    for row in v1:
        assert (row.state, row.version, row.event, row.attempts, row.leased_until) == (
            "held",
            1,
            "item.published",
            0,
            None,
        )
        assert row.next_attempt_at == embargo

    # Nothing is claimable before the embargo, even after promote_due.
    with migrated.begin() as db:
        assert outbox.promote_due(db, now=datetime.now(UTC)) == 0
        assert outbox.claim(db, now=datetime.now(UTC), lease_until=embargo, limit=100, per_endpoint=10) == []
        assert outbox.next_due(db) == embargo

    with migrated.begin() as db:
        corrected = correct_release(
            db=db, principal=PUBLISHER, release_id=release_id, correction=CorrectionIn(headline="Acme opens two plants")
        )
    assert corrected["version"] == 2
    with migrated.connect() as db:
        rows = _rows(db, release_id)
    old = [r for r in rows if r.version == 1]
    new = [r for r in rows if r.version == 2]
    assert {r.id for r in old} == {r.id for r in v1}
    assert all(r.state == "superseded" and r.last_error == "superseded by version 2" for r in old)
    assert {r.endpoint_id for r in new} == english
    # Nobody had received version 1, so for every recipient version 2 is the first publication.
    assert all(r.state == "held" and r.next_attempt_at == embargo and r.event == "item.published" for r in new)
    assert {r.id for r in new}.isdisjoint({r.id for r in old})

    with migrated.begin() as db:
        withdrawn = withdraw_release(db=db, principal=PUBLISHER, release_id=release_id, reason="legal hold")
    assert withdrawn["status"] == "withdrawn"
    with migrated.connect() as db:
        rows = _rows(db, release_id)
        report = delivery_report(db=db, principal=PUBLISHER, release_id=release_id)
    states = Counter((r.version, r.state) for r in rows)
    # Nothing went out, so nobody needs the withdrawal notice: no version-3 rows.
    assert states == {(1, "superseded"): 3, (2, "canceled"): 3}
    assert all(r.last_error == "release withdrawn before this copy went out" for r in rows if r.version == 2)
    assert report["summary"] == {
        "held": 0,
        "pending": 0,
        "delivered": 0,
        "failed": 0,
        "dead": 0,
        "superseded": 3,
        "canceled": 3,
        "total": 6,
    }
    assert Counter(item["state"] for item in report["items"]) == {"superseded": 3, "canceled": 3}
    assert {item["id"] for item in report["items"]} == {r.id for r in rows}


def test_delivered_copies_get_the_correction_and_the_withdrawal(migrated: Engine, policy: EndpointPolicy) -> None:
    """After a copy is delivered, a correction reaches that endpoint as item.corrected and a withdrawal as
    item.withdrawn, while copies still open are superseded/canceled; the report's summary follows every step."""
    english = _setup_subscribers(migrated, policy)
    with migrated.begin() as db:
        view, _ = submit_release(db=db, principal=PUBLISHER, draft=_draft())
    release_id = view["id"]
    with migrated.connect() as db:
        v1 = _rows(db, release_id)
    assert {r.endpoint_id for r in v1} == english
    assert all(r.state == "pending" for r in v1)

    # One endpoint receives version 1; the other two are still waiting.
    now = datetime.now(UTC)
    with migrated.begin() as db:
        claimed = outbox.claim(db, now=now, lease_until=now + timedelta(seconds=60), limit=1, per_endpoint=1)
        assert len(claimed) == 1
        delivered = next(r for r in v1 if r.id == claimed[0].id)
        outbox.record_attempts(
            db,
            [
                outbox.AttemptRecord(
                    delivery_id=delivered.id,
                    number=1,
                    started_at=now,
                    finished_at=now,
                    status=200,
                    error=None,
                    state=DeliveryState.DELIVERED,
                    next_attempt_at=now,
                )
            ],
            healthy_endpoints={delivered.endpoint_id},
            failing_endpoints=set(),
            disable={},
            now=now,
        )
        report = delivery_report(db=db, principal=PUBLISHER, release_id=release_id)
    assert (report["summary"]["delivered"], report["summary"]["pending"], report["summary"]["total"]) == (1, 2, 3)

    with migrated.begin() as db:
        correct_release(db=db, principal=PUBLISHER, release_id=release_id, correction=CorrectionIn(summary="More"))
    with migrated.connect() as db:
        v2 = [r for r in _rows(db, release_id) if r.version == 2]
    events = {r.endpoint_id: r.event for r in v2}
    assert events[delivered.endpoint_id] == "item.corrected"
    assert {e for ep, e in events.items() if ep != delivered.endpoint_id} == {"item.published"}
    assert set(events) == english

    with migrated.begin() as db:
        withdraw_release(db=db, principal=PUBLISHER, release_id=release_id, reason="legal hold")
    with migrated.connect() as db:
        rows = _rows(db, release_id)
        report = delivery_report(db=db, principal=PUBLISHER, release_id=release_id)
    v3 = [r for r in rows if r.version == 3]
    assert [(r.endpoint_id, r.event, r.state) for r in v3] == [(delivered.endpoint_id, "item.withdrawn", "pending")]
    states = Counter((r.version, r.state) for r in rows)
    assert states == {(1, "delivered"): 1, (1, "superseded"): 2, (2, "canceled"): 3, (3, "pending"): 1}
    summary = report["summary"]
    assert summary == {
        "held": 0,
        "pending": 1,
        "delivered": 1,
        "failed": 0,
        "dead": 0,
        "superseded": 2,
        "canceled": 3,
        "total": 7,
    }
    assert sum(Counter(r.state for r in rows).values()) == summary["total"]


def test_idempotency_key_replays_the_same_release_and_refuses_a_different_body(
    migrated: Engine, policy: EndpointPolicy
) -> None:
    """The same Idempotency-Key with the same body returns the same release and writes nothing new; with a
    different body it raises Conflict."""
    _setup_subscribers(migrated, policy)
    with migrated.begin() as db:
        first, created = submit_release(db=db, principal=PUBLISHER, draft=_draft(), idempotency_key="press-42")
    assert created is True
    with migrated.begin() as db:
        again, created_again = submit_release(db=db, principal=PUBLISHER, draft=_draft(), idempotency_key="press-42")
    assert created_again is False
    assert again["id"] == first["id"]
    with migrated.connect() as db:
        assert len(db.execute(select(deliveries.c.id)).all()) == 3
    with pytest.raises(Conflict), migrated.begin() as db:
        submit_release(db=db, principal=PUBLISHER, draft=_draft("Something else"), idempotency_key="press-42")
    # Another organisation may use the same key for its own release.
    other = Principal(key_id="key_globex", name="globex-press", role=Role.PUBLISHER, organization="Globex")
    with migrated.begin() as db:
        theirs, created_theirs = submit_release(db=db, principal=other, draft=_draft(), idempotency_key="press-42")
    assert created_theirs is True
    assert theirs["id"] != first["id"]
    with migrated.connect() as db:
        assert len(db.execute(select(deliveries.c.id)).all()) == 6
