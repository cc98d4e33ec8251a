"""Roles end to end: who may see and do what, with other organisations' and embargoed items indistinguishable
from unknown ones."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.receiver import Receiver
from tests.support.server import PolywireServer


def submit(wire: PolywireServer, org: str, headline: str, **extra: Any) -> dict[str, Any]:
    answer = wire.request(
        "POST",
        "/v1/releases",
        wire.keys[org],
        json={"headline": headline, "body_html": f"<p>{headline}.</p>", "language": "en", **extra},
    )
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def subscribe(wire: PolywireServer, hooks: Receiver, path: str) -> dict[str, Any]:
    answer = wire.request(
        "POST",
        "/v1/subscribers",
        wire.keys["admin"],
        json={"name": path, "kind": "outlet", "endpoints": [{"type": "webhook", "url": hooks.url(path)}]},
    )
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def subscriber_key(wire: PolywireServer, subscriber_id: str) -> str:
    return wire.create_key("subscriber", f"key for {subscriber_id}", "--subscriber", subscriber_id)


def listed_ids(wire: PolywireServer, key: str) -> set[str]:
    answer = wire.request("GET", "/v1/releases?limit=500", key)
    assert answer.status_code == 200, answer.text
    return {item["id"] for item in answer.json()["items"]}


def rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_anonymous_and_unknown_keys_get_401_with_a_challenge(wire: PolywireServer) -> None:
    """No key, a malformed header or an unknown key: 401 problem+json with WWW-Authenticate: Bearer."""
    cases: list[tuple[str, str, dict[str, str]]] = [
        ("GET", "/v1/releases", {}),
        ("POST", "/v1/releases", {}),
        ("GET", "/v1/subscribers", {}),
        ("GET", "/v1/releases", {"Authorization": "Basic YWRtaW46YWRtaW4="}),
        ("GET", "/v1/releases", {"Authorization": "Bearer pwk_not-a-key-we-ever-made"}),
        ("GET", "/v1/releases", {"Authorization": "Bearer " + wire.keys["acme"] + "x"}),
        ("GET", "/v1/subscribers", {"Authorization": "Bearer " + wire.keys["admin"][:-1]}),
    ]
    for method, path, headers in cases:
        answer = wire.request(method, path, headers=headers, json={} if method == "POST" else None)
        assert answer.status_code == 401, (method, path, headers, answer.text)
        assert answer.headers["www-authenticate"].startswith("Bearer"), answer.headers
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["field"] == "authorization"


def test_publisher_cannot_manage_subscribers(wire: PolywireServer, hooks: Receiver) -> None:
    """A publisher key gets 403 for creating, listing, changing or deleting subscribers, and nothing changes."""
    existing = subscribe(wire, hooks, "/roles-existing")
    before = wire.request("GET", "/v1/subscribers?limit=1000", wire.keys["admin"]).json()
    created = wire.request(
        "POST", "/v1/subscribers", wire.keys["acme"], json={"name": "Sneaky", "kind": "outlet", "endpoints": []}
    )
    assert created.status_code == 403, created.text
    assert created.headers["content-type"].startswith("application/problem+json")
    assert wire.request("GET", "/v1/subscribers", wire.keys["acme"]).status_code == 403
    patch = wire.request("PATCH", f"/v1/subscribers/{existing['id']}", wire.keys["acme"], json={"languages": ["fr"]})
    assert patch.status_code == 403, patch.text
    assert wire.request("DELETE", f"/v1/subscribers/{existing['id']}", wire.keys["acme"]).status_code == 403
    assert wire.request("GET", "/v1/subscribers?limit=1000", wire.keys["admin"]).json() == before


def test_other_organisations_release_is_not_found(wire: PolywireServer) -> None:
    """Globex gets 404 for Acme's release (read, correct, withdraw, report) and never lists it; Acme's is intact."""
    acme = submit(wire, "acme", "Acme private matter")
    rid = acme["id"]
    globex = wire.keys["globex"]
    unknown = wire.request("GET", "/v1/releases/rel_00000000000000000000000000", globex)
    assert unknown.status_code == 404
    attempts = [
        wire.request("GET", f"/v1/releases/{rid}", globex),
        wire.request("POST", f"/v1/releases/{rid}/corrections", globex, json={"headline": "Hijacked"}),
        wire.request("POST", f"/v1/releases/{rid}/withdraw", globex, json={"reason": "because"}),
        wire.request("GET", f"/v1/releases/{rid}/deliveries", globex),
    ]
    for answer in attempts:
        assert answer.status_code == 404, (answer.request.url, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        # Same wording as for an id that does not exist: nothing tells Globex the release is there.
        assert answer.json()["detail"] == unknown.json()["detail"].replace("rel_00000000000000000000000000", rid)
    assert rid not in listed_ids(wire, globex)
    assert rid in listed_ids(wire, wire.keys["acme"])
    mine = wire.request("GET", f"/v1/releases/{rid}", wire.keys["acme"]).json()
    assert (mine["version"], mine["status"], mine["headline"]) == (1, "released", "Acme private matter")


def test_embargoed_release_is_hidden_until_the_embargo_passes(wire: PolywireServer, hooks: Receiver) -> None:
    """Other organisations and subscriber keys cannot see an embargoed release until the instant; admin can."""
    sub = subscribe(wire, hooks, "/roles-embargo")
    reader = subscriber_key(wire, sub["id"])
    embargo = (datetime.now(UTC) + timedelta(seconds=3)).replace(microsecond=0)
    item = submit(wire, "acme", "Acme results", embargo_until=rfc3339(embargo))
    rid = item["id"]
    assert item["status"] == "embargoed"
    assert rid in listed_ids(wire, wire.keys["acme"])
    assert rid in listed_ids(wire, wire.keys["admin"])
    assert wire.request("GET", f"/v1/releases/{rid}", wire.keys["admin"]).status_code == 200
    assert rid not in listed_ids(wire, wire.keys["globex"])
    assert wire.request("GET", f"/v1/releases/{rid}", wire.keys["globex"]).status_code == 404
    assert rid not in listed_ids(wire, reader)
    assert wire.request("GET", f"/v1/releases/{rid}", reader).status_code == 404
    assert wire.request("GET", f"/v1/releases/{rid}/deliveries", reader).status_code == 404
    assert time.time() < embargo.timestamp(), "the checks above took too long to prove anything"

    time.sleep(max(0.0, embargo.timestamp() - time.time()) + 0.2)
    assert rid in listed_ids(wire, reader)
    seen = wire.request("GET", f"/v1/releases/{rid}", reader)
    assert seen.status_code == 200 and seen.json()["status"] == "released", seen.text
    # Still Acme's: another publisher does not gain sight of it when the embargo lifts.
    assert rid not in listed_ids(wire, wire.keys["globex"])


def test_subscriber_key_sees_only_its_own_subscriber_and_deliveries(wire: PolywireServer, hooks: Receiver) -> None:
    """A subscriber key reads its own record (no secrets), gets 404 for others, and only its own deliveries."""
    mine = subscribe(wire, hooks, "/roles-mine")
    other = subscribe(wire, hooks, "/roles-other")
    key = subscriber_key(wire, mine["id"])

    own = wire.request("GET", f"/v1/subscribers/{mine['id']}", key)
    assert own.status_code == 200, own.text
    assert own.json()["id"] == mine["id"]
    assert "whsec_" not in own.text and all("secret" not in ep for ep in own.json()["endpoints"])
    foreign = wire.request("GET", f"/v1/subscribers/{other['id']}", key)
    assert foreign.status_code == 404
    assert wire.request("GET", "/v1/subscribers", key).status_code == 403
    assert wire.request("PATCH", f"/v1/subscribers/{mine['id']}", key, json={"languages": ["fr"]}).status_code == 403
    denied = wire.request(
        "POST", "/v1/releases", key, json={"headline": "Fake", "body_html": "<p>Fake</p>", "language": "en"}
    )
    assert denied.status_code == 403, denied.text

    item = submit(wire, "acme", "Acme for everyone")
    hooks.wait_for(1, path="/roles-mine")
    hooks.wait_for(1, path="/roles-other")
    full = wire.request("GET", f"/v1/releases/{item['id']}/deliveries", wire.keys["admin"]).json()
    assert {mine["id"], other["id"]} <= {row["subscriber_id"] for row in full["items"]}
    report = wire.request("GET", f"/v1/releases/{item['id']}/deliveries", key)
    assert report.status_code == 200, report.text
    rows = report.json()["items"]
    assert [row["subscriber_id"] for row in rows] == [mine["id"]]
    assert report.json()["summary"]["total"] == 1
    # The publisher that owns the release sees every recipient.
    owner = wire.request("GET", f"/v1/releases/{item['id']}/deliveries", wire.keys["acme"]).json()
    assert owner["summary"]["total"] == full["summary"]["total"]


def test_admin_sees_everything(wire: PolywireServer) -> None:
    """The admin lists and reads every organisation's releases, embargoed or not, and every report."""
    acme = submit(wire, "acme", "Acme admin check")
    globex = submit(
        wire,
        "globex",
        "Globex embargoed",
        embargo_until=rfc3339(datetime.now(UTC) + timedelta(hours=1)),
    )
    ids = listed_ids(wire, wire.keys["admin"])
    assert {acme["id"], globex["id"]} <= ids
    for rid in (acme["id"], globex["id"]):
        assert wire.request("GET", f"/v1/releases/{rid}", wire.keys["admin"]).status_code == 200
        assert wire.request("GET", f"/v1/releases/{rid}/deliveries", wire.keys["admin"]).status_code == 200
    assert wire.request("GET", "/v1/subscribers", wire.keys["admin"]).status_code == 200


def test_deleted_subscribers_key_stops_working(wire: PolywireServer, hooks: Receiver) -> None:
    """Once a subscriber is deleted, the API key that spoke for it is refused with 401."""
    sub = subscribe(wire, hooks, "/roles-deleted")
    key = subscriber_key(wire, sub["id"])
    assert wire.request("GET", "/v1/releases", key).status_code == 200
    assert wire.request("DELETE", f"/v1/subscribers/{sub['id']}", wire.keys["admin"]).status_code == 204
    after = wire.request("GET", "/v1/releases", key)
    assert after.status_code == 401, after.text
    assert after.headers["www-authenticate"].startswith("Bearer")
