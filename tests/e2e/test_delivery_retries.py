"""Retries and failure semantics end to end: what each kind of answer (or silence) does to a delivery."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from tests.e2e.test_delivery_support import (
    all_in_state,
    custom_server,
    embargo_in,
    items_by_endpoint,
    report,
    submit,
    subscribe,
    subscriber,
    unique_tag,
    verified,
    wait_for_report,
)
from tests.support.receiver import Answer, Received, Receiver
from tests.support.server import PolywireServer


def answers(*sequence: Answer) -> Callable[[Received], Answer]:
    """Answer requests with ``sequence`` in order, repeating its last answer from then on."""
    lock = threading.Lock()
    given = 0

    def answer(_request: Received) -> Answer:
        nonlocal given
        with lock:
            chosen = sequence[min(given, len(sequence) - 1)]
            given += 1
        return chosen

    return answer


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_server_error_is_retried_with_the_same_webhook_id(wire: PolywireServer, receiver: Receiver) -> None:
    """A 500 is retried (here after its Retry-After: 1) with the same webhook-id and ends delivered after 2 attempts."""
    tag = unique_tag("flaky")
    outlet = subscribe(receiver, wire, "/flaky", categories=[tag])
    receiver.on("/flaky", answers(Answer(500, headers={"Retry-After": "1"}), Answer(200)))
    release = submit(wire, categories=[tag])

    first, second = receiver.wait_for(2, path="/flaky", timeout=6)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert verified(first, outlet) == verified(second, outlet)
    assert second.at - first.at >= 1.0
    rep = wait_for_report(wire, release["id"], all_in_state("delivered", 1), timeout=5)
    (row,) = rep["items"]
    assert (row["attempts"], row["last_status"], row["webhook_id"]) == (2, 200, first.headers["webhook-id"])


def test_client_error_is_final(wire: PolywireServer, receiver: Receiver) -> None:
    """A 400 fails the delivery for good after one attempt: no retry, even when the answer asks for one."""
    tag = unique_tag("picky")
    subscribe(receiver, wire, "/picky", categories=[tag])
    # Were a 400 retried, this Retry-After would bring the retry within a second.
    receiver.on("/picky", lambda _req: Answer(400, headers={"Retry-After": "1"}))
    release = submit(wire, categories=[tag])

    rep = wait_for_report(wire, release["id"], all_in_state("failed", 1), timeout=5)
    time.sleep(1.6)
    assert len(receiver.requests_to("/picky")) == 1
    (row,) = report(wire, release["id"])["items"]
    assert (row["state"], row["attempts"], row["last_status"]) == ("failed", 1, 400)
    assert row["next_attempt_at"] is None
    assert rep["items"][0]["last_error"]


def test_gone_fails_and_disables_the_endpoint(wire: PolywireServer, receiver: Receiver) -> None:
    """A 410 fails the delivery and disables the endpoint, with a reason; later releases do not try it."""
    tag = unique_tag("gone")
    gone = subscribe(receiver, wire, "/gone", categories=[tag])
    healthy = subscribe(receiver, wire, "/healthy", categories=[tag])
    receiver.on("/gone", lambda _req: Answer(410))
    first = submit(wire, categories=[tag])

    rep = wait_for_report(
        wire, first["id"], lambda r: r["summary"]["failed"] == 1 and r["summary"]["delivered"] == 1, timeout=5
    )
    row = items_by_endpoint(rep)[gone.endpoint_id]
    assert (row["state"], row["attempts"], row["last_status"]) == ("failed", 1, 410)
    (endpoint,) = subscriber(wire, gone.id)["endpoints"]
    assert endpoint["enabled"] is False
    assert "410" in endpoint["disabled_reason"]
    assert subscriber(wire, healthy.id)["endpoints"][0]["enabled"] is True

    later = submit(wire, categories=[tag])
    receiver.wait_for(2, path="/healthy", timeout=5)
    rep = wait_for_report(wire, later["id"], all_in_state("delivered", 1), timeout=5)
    assert set(items_by_endpoint(rep)) == {healthy.endpoint_id}
    time.sleep(0.3)
    assert len(receiver.requests_to("/gone")) == 1


def test_rate_limit_retry_after_is_honoured(wire: PolywireServer, receiver: Receiver) -> None:
    """After a 429 with Retry-After: 2 the next attempt comes no earlier than 2 s later."""
    tag = unique_tag("limited")
    subscribe(receiver, wire, "/limited", categories=[tag])
    receiver.on("/limited", answers(Answer(429, headers={"Retry-After": "2"}), Answer(200)))
    release = submit(wire, categories=[tag])

    first, second = receiver.wait_for(2, path="/limited", timeout=8)
    waited = second.at - first.at
    print(f"\n429 Retry-After: 2 → next attempt after {waited:.3f} s")
    assert waited >= 2.0
    assert waited < 3.5  # and not much later: the receiver's delay replaces the 5 s schedule step
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    (row,) = wait_for_report(wire, release["id"], all_in_state("delivered", 1), timeout=5)["items"]
    assert row["attempts"] == 2


def test_redirects_are_not_followed(wire: PolywireServer, receiver: Receiver) -> None:
    """A 301 or 302 is not followed, on the first try or on retries: the target gets nothing, nothing is delivered."""
    tag = unique_tag("moved")
    moved = subscribe(receiver, wire, "/moved", categories=[tag])
    found = subscribe(receiver, wire, "/found", categories=[tag])
    # Retry-After: 1 brings a retry within the test, to show that it is not followed either.
    redirect = {"Location": receiver.url("/target"), "Retry-After": "1"}
    receiver.on("/moved", answers(Answer(301, headers=redirect)))
    receiver.on("/found", answers(Answer(302, headers=redirect)))
    release = submit(wire, categories=[tag])

    receiver.wait_for(2, path="/moved", timeout=6)
    receiver.wait_for(2, path="/found", timeout=6)
    time.sleep(0.3)
    assert receiver.requests_to("/target") == []
    rows = items_by_endpoint(report(wire, release["id"]))
    for outlet, status in ((moved, 301), (found, 302)):
        row = rows[outlet.endpoint_id]
        assert row["state"] != "delivered"
        assert row["delivered_at"] is None
        assert row["last_status"] == status
        assert "redirect" in row["last_error"]


def test_timeout_is_an_error_and_is_retried(tmp_path: Path, receiver: Receiver) -> None:
    """With a 1 s timeout, a receiver taking 3 s gets an attempt recorded as timed out, and a retry later."""
    with custom_server(tmp_path / "var", POLYWIRE_DELIVERY_TIMEOUT="1") as server:
        tag = unique_tag("sleepy")
        outlet = subscribe(receiver, server, "/sleepy", categories=[tag])
        receiver.on("/sleepy", answers(Answer(200, delay=3), Answer(200)))
        release = submit(server, categories=[tag])

        rep = wait_for_report(server, release["id"], lambda r: r["items"][0]["attempts"] == 1, timeout=5)
        (row,) = rep["items"]
        assert row["state"] == "pending"
        assert row["last_status"] is None
        assert "timed out" in row["last_error"]
        took = (_parse(row["last_attempt_at"]) - _parse(row["first_attempt_at"])).total_seconds()
        assert 0.9 <= took < 2.5, f"the attempt took {took} s; the timeout is 1 s and the receiver takes 3 s"
        assert _parse(row["next_attempt_at"]) > _parse(row["last_attempt_at"])

        first, second = receiver.wait_for(2, path="/sleepy", timeout=10)
        assert first.headers["webhook-id"] == second.headers["webhook-id"]
        verified(second, outlet)
        (row,) = wait_for_report(server, release["id"], all_in_state("delivered", 1), timeout=5)["items"]
        assert row["attempts"] == 2


def test_endpoint_failing_too_long_is_disabled(tmp_path: Path, receiver: Receiver) -> None:
    """An endpoint failing longer than POLYWIRE_DISABLE_AFTER_DAYS is disabled; its waiting copies become dead."""
    with custom_server(tmp_path / "var", POLYWIRE_DISABLE_AFTER_DAYS="0.00001") as server:  # ≈ 0.86 s
        tag = unique_tag("down")
        down = subscribe(receiver, server, "/down", categories=[tag])
        fine = subscribe(receiver, server, "/fine", categories=[tag])
        receiver.on("/down", lambda _req: Answer(500, headers={"Retry-After": "1"}))
        now = submit(server, categories=[tag])
        later = submit(server, categories=[tag], embargo=embargo_in(30))  # held copies wait for the endpoint too

        rep = wait_for_report(
            server, now["id"], lambda r: items_by_endpoint(r)[down.endpoint_id]["state"] == "dead", timeout=8
        )
        row = items_by_endpoint(rep)[down.endpoint_id]
        assert row["attempts"] == 2, "the first failure starts the clock, the one after 0.86 s stops it"
        assert "endpoint disabled" in row["last_error"] and "failing since" in row["last_error"]
        assert "failing since" in row["endpoint_disabled_reason"]
        assert items_by_endpoint(rep)[fine.endpoint_id]["state"] == "delivered"

        held = items_by_endpoint(report(server, later["id"]))
        assert held[down.endpoint_id]["state"] == "dead"
        assert "endpoint disabled" in held[down.endpoint_id]["last_error"]
        assert held[fine.endpoint_id]["state"] == "held"

        (endpoint,) = subscriber(server, down.id)["endpoints"]
        assert endpoint["enabled"] is False
        assert "failing since" in endpoint["disabled_reason"]
        assert subscriber(server, fine.id)["endpoints"][0]["enabled"] is True
        time.sleep(1.3)  # its Retry-After would have brought a third attempt by now
        assert len(receiver.requests_to("/down")) == 2
