"""Isolation end to end: a slow or dead receiver holds up nobody else's copies."""

from __future__ import annotations

import time
from pathlib import Path

from tests.e2e.test_delivery_support import (
    add_outlet,
    custom_server,
    embargo_in,
    items_by_endpoint,
    submit,
    subscribe,
    unique_tag,
    verified,
    wait_for_report,
)
from tests.support.receiver import Answer, Receiver
from tests.support.server import free_port


def test_slow_and_dead_endpoints_do_not_delay_the_others(tmp_path: Path, receiver: Receiver) -> None:
    """With one endpoint hanging 10 s per copy (and a backlog past its cap) and one on a closed port, 50 healthy
    endpoints all receive within a second of the instant."""
    with custom_server(tmp_path / "var") as server:
        try:
            tag, backlog_tag = unique_tag("isolation"), unique_tag("backlog")
            slow = subscribe(receiver, server, "/slow", categories=[tag, backlog_tag])
            receiver.on("/slow", lambda _req: Answer(200, delay=10))
            dead = add_outlet(server, f"http://127.0.0.1:{free_port()}/dead", categories=[tag, backlog_tag])
            # More copies than the per-endpoint cap (8) for the slow and the dead endpoint, before the instant.
            for _ in range(10):
                submit(server, categories=[backlog_tag])
            healthy = {f"/ok-{i}": subscribe(receiver, server, f"/ok-{i}", categories=[tag]) for i in range(50)}
            receiver.wait_for(8, path="/slow", timeout=5)

            embargo = embargo_in(1.5)
            release = submit(server, embargo=embargo, categories=[tag])
            hooks = [h for h in receiver.wait_for(50 + 8, timeout=10) if h.path != "/slow"]
            assert len(hooks) == 50
            last = max(hook.at for hook in hooks) - embargo.timestamp()
            first = min(hook.at for hook in hooks) - embargo.timestamp()
            print(f"\nwith a hanging and a dead endpoint: first {first * 1000:.1f} ms, last {last * 1000:.1f} ms")
            assert first >= 0
            assert first < 0.5, f"the first healthy copy arrived {first:.3f} s after the instant"
            assert last < 1.0, f"the 50th healthy copy arrived {last:.3f} s after the instant"
            for hook in hooks:
                verified(hook, healthy[hook.path])

            # Attempts are recorded in batches just after the answers: wait for the report to catch up.
            healthy_ids = {outlet.endpoint_id for outlet in healthy.values()}
            rep = wait_for_report(
                server,
                release["id"],
                lambda r: (
                    {row["state"] for row in r["items"] if row["endpoint_id"] in healthy_ids} == {"delivered"}
                    and items_by_endpoint(r)[dead.endpoint_id]["attempts"] >= 1
                ),
                timeout=3,
            )
            rows = items_by_endpoint(rep)
            # The slow endpoint is still hanging on its backlog (its cap is full), and the dead one got an error.
            assert time.time() - receiver.requests_to("/slow")[0].at < 10
            assert len(receiver.requests_to("/slow")) == 8, "more copies in flight to one endpoint than its cap"
            assert rows[slow.endpoint_id]["state"] == "pending" and rows[slow.endpoint_id]["delivered_at"] is None
            assert rows[dead.endpoint_id]["state"] == "pending"
            assert rows[dead.endpoint_id]["last_status"] is None and rows[dead.endpoint_id]["last_error"]
        finally:
            server.kill9()  # rather than wait for the hanging copies in a graceful shutdown
