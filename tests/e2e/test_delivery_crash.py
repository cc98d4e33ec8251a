"""Crash safety end to end: kill -9 loses nothing, and a repeat carries the first try's webhook-id."""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

from tests.e2e.test_delivery_support import (
    all_in_state,
    custom_server,
    embargo_in,
    report,
    submit,
    subscribe,
    unique_tag,
    verified,
    wait_for_report,
)
from tests.support.receiver import Answer, Received, Receiver


def test_kill9_mid_flight_loses_nothing_and_repeats_keep_their_id(tmp_path: Path, receiver: Receiver) -> None:
    """After kill -9 with copies on the wire and a restart, every delivery ends delivered; repeats keep the id."""
    with custom_server(tmp_path / "var") as server:
        tag = unique_tag("crash")
        outlets = {f"/slow-{i}": subscribe(receiver, server, f"/slow-{i}", categories=[tag]) for i in range(20)}
        for path in outlets:
            receiver.on(path, lambda _req: Answer(200, delay=2))
        release = submit(server, categories=[tag])

        receiver.wait_for(1, timeout=5)
        server.kill9()
        killed_at = time.time()
        time.sleep(0.3)  # let the receiver finish reading what the dead process had already sent
        before_crash = list(receiver.received)
        # Each takes 2 s to answer, so none of these was answered, let alone recorded, before the crash.
        assert before_crash and all(killed_at - hook.at < 2 for hook in before_crash)
        server.start()

        rep = wait_for_report(server, release["id"], all_in_state("delivered", 20), timeout=15)
        by_path: dict[str, list[Received]] = defaultdict(list)
        for hook in receiver.received:
            by_path[hook.path].append(hook)
        assert set(by_path) == set(outlets), "a copy was lost"
        ids = {row["endpoint_id"]: row["webhook_id"] for row in rep["items"]}
        for path, hooks in by_path.items():
            outlet = outlets[path]
            assert {hook.headers["webhook-id"] for hook in hooks} == {ids[outlet.endpoint_id]}
            for hook in hooks:
                assert verified(hook, outlet)["data"]["uri"] == release["uri"]
        # Every copy that was on the wire when the process died went again after the restart.
        for hook in before_crash:
            assert len(by_path[hook.path]) >= 2, f"{hook.path} was cut off by the crash and never repeated"
        print(f"\n{len(before_crash)} copies on the wire at the crash; {len(receiver.received)} requests in all")


def test_kill9_before_the_embargo_still_releases_at_the_instant(tmp_path: Path, receiver: Receiver) -> None:
    """A release accepted just before a kill -9 goes out at its embargo instant after the restart."""
    with custom_server(tmp_path / "var") as server:
        tag = unique_tag("restart")
        outlet = subscribe(receiver, server, "/desk", categories=[tag])
        embargo = embargo_in(4)
        release = submit(server, embargo=embargo, categories=[tag])
        server.kill9()
        server.start()
        ready = time.time()
        assert report(server, release["id"])["summary"]["held"] == 1

        (hook,) = receiver.wait_for(1, path="/desk", timeout=10)
        late = hook.at - max(embargo.timestamp(), ready)
        print(
            f"\nafter a restart {max(0.0, embargo.timestamp() - ready):.2f} s before the instant: {late * 1000:.1f} ms"
        )
        assert hook.at >= embargo.timestamp()
        assert late < 0.5
        assert verified(hook, outlet)["data"]["uri"] == release["uri"]
        wait_for_report(server, release["id"], all_in_state("delivered", 1), timeout=5)
        time.sleep(0.3)
        assert len(receiver.requests_to("/desk")) == 1
