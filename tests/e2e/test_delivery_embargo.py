"""The embargo end to end: nothing leaves or shows before the instant, everything goes at it."""

from __future__ import annotations

import time

from tests.e2e.test_delivery_support import (
    all_in_state,
    embargo_in,
    report,
    submit,
    subscribe,
    unique_tag,
    verified,
    wait_for_report,
)
from tests.support.receiver import Receiver
from tests.support.server import PolywireServer


def test_nothing_leaves_or_shows_before_the_embargo(wire: PolywireServer, receiver: Receiver) -> None:
    """Before embargo_until there is no webhook, other organisations and subscribers see nothing, copies are held."""
    tag = unique_tag("embargo")
    outlet = subscribe(receiver, wire, "/planet", categories=[tag])
    reader = wire.create_key("subscriber", "planet-desk", "--subscriber", outlet.id)
    embargo = embargo_in(2.5)
    release = submit(wire, embargo=embargo, categories=[tag])
    rid = release["id"]

    held = report(wire, rid)
    assert held["summary"]["held"] == 1 and held["summary"]["total"] == 1, held
    assert held["items"][0]["next_attempt_at"] is not None
    assert wire.request("GET", f"/v1/releases/{rid}", wire.keys["globex"]).status_code == 404
    assert wire.request("GET", f"/v1/releases/{rid}/deliveries", wire.keys["globex"]).status_code == 404
    assert wire.request("GET", f"/v1/releases/{rid}", reader).status_code == 404
    assert wire.request("GET", f"/v1/releases/{rid}/deliveries", reader).status_code == 404
    for key in (wire.keys["globex"], reader):
        listed = wire.request("GET", "/v1/releases", key)
        assert listed.status_code == 200
        assert rid not in {item["id"] for item in listed.json()["items"]}
    # The publisher itself sees its embargoed release.
    own = wire.request("GET", f"/v1/releases/{rid}", wire.keys["acme"])
    assert own.status_code == 200 and own.json()["status"] == "embargoed"

    time.sleep(max(0.0, embargo.timestamp() - time.time() - 0.2))
    assert receiver.received == [], "a copy left before the embargo lifted"
    assert report(wire, rid)["summary"]["held"] == 1

    (hook,) = receiver.wait_for(1, path="/planet", timeout=5)
    assert hook.at >= embargo.timestamp()
    payload = verified(hook, outlet)
    assert payload["data"]["uri"] == release["uri"]
    after = wait_for_report(wire, rid, all_in_state("delivered", 1), timeout=5)
    assert after["items"][0]["attempts"] == 1
    assert wire.request("GET", f"/v1/releases/{rid}", reader).status_code == 200
    assert rid in {item["id"] for item in wire.request("GET", "/v1/releases", reader).json()["items"]}


def test_fifty_endpoints_receive_at_the_instant(wire: PolywireServer, receiver: Receiver) -> None:
    """With ~50 endpoints, the first copy arrives within a fraction of a second after the instant, none before."""
    count = 50
    tag = unique_tag("fifty")
    outlets = {f"/outlet-{i}": subscribe(receiver, wire, f"/outlet-{i}", categories=[tag]) for i in range(count)}
    embargo = embargo_in(2.0)
    release = submit(wire, embargo=embargo, categories=[tag])

    time.sleep(max(0.0, embargo.timestamp() - time.time() - 0.2))
    assert receiver.received == [], "a copy left before the embargo lifted"
    hooks = receiver.wait_for(count, timeout=10)
    first = min(hook.at for hook in hooks) - embargo.timestamp()
    last = max(hook.at for hook in hooks) - embargo.timestamp()
    print(f"\nembargo → first delivery {first * 1000:.1f} ms, → last of {count} {last * 1000:.1f} ms")
    assert first >= 0, f"a copy arrived {-first:.3f} s before the embargo"
    assert first < 0.5, f"first copy arrived {first:.3f} s after the embargo"
    assert last < 1.5, f"last copy arrived {last:.3f} s after the embargo"
    assert {hook.path for hook in hooks} == set(outlets)
    for hook in hooks:
        assert verified(hook, outlets[hook.path])["data"]["uri"] == release["uri"]
    wait_for_report(wire, release["id"], all_in_state("delivered", count), timeout=5)
