"""Routing end to end: a release reaches exactly the subscribers whose filters match it."""

from __future__ import annotations

import time

from tests.e2e.test_delivery_support import (
    all_in_state,
    items_by_endpoint,
    submit,
    subscribe,
    verified,
    wait_for_report,
)
from tests.support.receiver import Receiver
from tests.support.server import PolywireServer


def test_release_reaches_exactly_the_matching_subscribers(server: PolywireServer, receiver: Receiver) -> None:
    """Only subscribers whose languages, countries and categories all match (empty = all) get a copy."""
    matching = {
        "/everything": subscribe(receiver, server, "/everything"),
        "/english": subscribe(receiver, server, "/english", languages=["en"]),
        "/germany": subscribe(receiver, server, "/germany", countries=["DE", "AT"]),
        "/economy": subscribe(receiver, server, "/economy", categories=["Economy"]),
        "/all-three": subscribe(
            receiver, server, "/all-three", languages=["de", "en"], countries=["DE"], categories=["economy"]
        ),
    }
    others = {
        "/german-only": subscribe(receiver, server, "/german-only", languages=["de"]),
        "/british-english": subscribe(receiver, server, "/british-english", languages=["en-GB"]),
        "/france": subscribe(receiver, server, "/france", countries=["FR"]),
        "/sports": subscribe(receiver, server, "/sports", categories=["sports"]),
        "/two-of-three": subscribe(
            receiver, server, "/two-of-three", languages=["en"], countries=["DE"], categories=["sports"]
        ),
    }
    release = submit(server, language="en-US", regions=["DE"], categories=["economy", "industry"])

    rep = wait_for_report(server, release["id"], all_in_state("delivered", len(matching)), timeout=10)
    receiver.wait_for(len(matching), timeout=5)
    time.sleep(0.5)  # room for a stray copy to a non-matching endpoint to show up, were one sent

    assert {r.path for r in receiver.received} == set(matching)
    assert len(receiver.received) == len(matching), "a matching endpoint got more than one copy"
    for hook in receiver.received:
        payload = verified(hook, matching[hook.path])
        assert payload["type"] == "item.published"
        assert payload["data"]["uri"] == release["uri"]
        assert payload["data"]["version"] == "1"
    rows = items_by_endpoint(rep)
    assert set(rows) == {outlet.endpoint_id for outlet in matching.values()}
    assert not set(rows) & {outlet.endpoint_id for outlet in others.values()}
    assert {row["subscriber_id"] for row in rows.values()} == {outlet.id for outlet in matching.values()}
