"""Idempotency-Key end to end: a retried submission is the same release, delivered once."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.support.receiver import Received, Receiver
from tests.support.server import PolywireServer

RELEASE: dict[str, Any] = {
    "headline": "Acme opens a plant",
    "body_html": "<p>Acme opens a plant in Leipzig.</p>",
    "language": "en",
}


def subscribe(wire: PolywireServer, hooks: Receiver, path: str) -> None:
    created = wire.request(
        "POST",
        "/v1/subscribers",
        wire.keys["admin"],
        json={"name": path, "kind": "outlet", "endpoints": [{"type": "webhook", "url": hooks.url(path)}]},
    )
    assert created.status_code == 201, created.text


def copies_of(hooks: Receiver, path: str, uri: str) -> list[Received]:
    """The webhooks that arrived at path carrying the release with this uri (other tests share the receiver)."""
    return [hook for hook in hooks.requests_to(path) if json.loads(hook.body)["data"]["uri"] == uri]


def submit(wire: PolywireServer, org: str, key: str, body: dict[str, Any] = RELEASE) -> httpx.Response:
    return wire.request("POST", "/v1/releases", wire.keys[org], json=body, headers={"Idempotency-Key": key})


def test_replay_returns_the_same_release_and_delivers_once(wire: PolywireServer, hooks: Receiver) -> None:
    """The same key and body give the same id (201, Idempotent-Replayed: true) and one copy per endpoint."""
    subscribe(wire, hooks, "/a")
    subscribe(wire, hooks, "/b")
    first = submit(wire, "acme", "press-2026-001")
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = submit(wire, "acme", "press-2026-001")
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["location"] == first.headers["location"]
    hooks.wait_for(1, path="/a")
    hooks.wait_for(1, path="/b")
    time.sleep(0.5)  # long enough for a duplicate copy to have arrived, had one been made
    assert len(copies_of(hooks, "/a", first.json()["uri"])) == 1
    assert len(copies_of(hooks, "/b", first.json()["uri"])) == 1
    report = wire.request("GET", f"/v1/releases/{first.json()['id']}/deliveries", wire.keys["acme"]).json()
    assert report["summary"]["total"] == 2
    listed = wire.request("GET", "/v1/releases?limit=500", wire.keys["acme"]).json()["items"]
    assert [item["id"] for item in listed if item["headline"] == RELEASE["headline"]] == [first.json()["id"]]


def test_same_key_different_body_is_a_conflict(wire: PolywireServer) -> None:
    """Reusing a key for a different release is 409 problem+json, and no second release is stored."""
    original = {**RELEASE, "headline": "Conflict: original"}
    first = submit(wire, "acme", "press-2026-002", original)
    assert first.status_code == 201, first.text
    clash = submit(wire, "acme", "press-2026-002", {**original, "headline": "Conflict: changed"})
    assert clash.status_code == 409, clash.text
    assert clash.headers["content-type"].startswith("application/problem+json")
    assert "Idempotency-Key" in clash.json()["detail"]
    listed = wire.request("GET", "/v1/releases?limit=500", wire.keys["acme"]).json()["items"]
    assert [item["id"] for item in listed if item["headline"].startswith("Conflict:")] == [first.json()["id"]]


def test_organisations_use_keys_independently(wire: PolywireServer) -> None:
    """Globex may use the key Acme used: it gets its own new release, not Acme's and not a conflict."""
    acme = submit(wire, "acme", "shared-key", {**RELEASE, "headline": "Acme news"})
    globex = submit(wire, "globex", "shared-key", {**RELEASE, "headline": "Globex news"})
    assert acme.status_code == 201 and globex.status_code == 201, (acme.text, globex.text)
    assert "idempotent-replayed" not in globex.headers
    assert globex.json()["id"] != acme.json()["id"]
    assert globex.json()["organization"] == "Globex"
    same_body = submit(wire, "globex", "shared-key", {**RELEASE, "headline": "Globex news"})
    assert same_body.json()["id"] == globex.json()["id"]
    assert wire.request("GET", f"/v1/releases/{acme.json()['id']}", wire.keys["acme"]).json()["organization"] == (
        "Acme"
    )


def test_concurrent_retries_create_one_release(wire: PolywireServer, hooks: Receiver) -> None:
    """Eight simultaneous submissions with one key all answer 201 with the same id; one copy is delivered."""
    subscribe(wire, hooks, "/race")

    def one(_: int) -> httpx.Response:
        with httpx.Client(base_url=wire.url, timeout=30) as client:
            return client.post(
                "/v1/releases",
                json={**RELEASE, "headline": "Race"},
                headers={"Authorization": f"Bearer {wire.keys['acme']}", "Idempotency-Key": "race"},
            )

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(one, range(8)))
    assert [a.status_code for a in answers] == [201] * 8, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum("idempotent-replayed" not in a.headers for a in answers) == 1
    hooks.wait_for(1, path="/race")
    time.sleep(0.5)
    assert len(copies_of(hooks, "/race", answers[0].json()["uri"])) == 1
