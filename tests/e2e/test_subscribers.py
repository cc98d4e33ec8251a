"""Subscribers end to end: registration, secrets shown once, changes, deletion, secret rotation and routing."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.support.receiver import Received, Receiver
from tests.support.server import PolywireServer

SECRET_FORMAT = re.compile(r"^whsec_[A-Za-z0-9+/]+={0,2}$")
GIVEN_SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolywireServer]:
    """One server for the module (starting one costs seconds); tests keep apart by their own ids and paths."""
    instance = PolywireServer(tmp_path_factory.mktemp("subscribers") / "var")
    instance.keys["admin"] = instance.create_key("admin", "ops")
    instance.keys["acme"] = instance.create_key("publisher", "acme-press", "--org", "Acme")
    instance.start()
    yield instance
    instance.close()


@pytest.fixture(scope="module")
def hooks() -> Iterator[Receiver]:
    instance = Receiver().start()
    yield instance
    instance.stop()


def create(wire: PolywireServer, body: dict[str, Any]) -> dict[str, Any]:
    answer = wire.request("POST", "/v1/subscribers", wire.keys["admin"], json={"kind": "outlet", **body})
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def webhook(url: str, **extra: Any) -> dict[str, Any]:
    return {"type": "webhook", "url": url, **extra}


def submit(wire: PolywireServer, headline: str, language: str = "en", **extra: Any) -> dict[str, Any]:
    # Original only: these tests are about subscriber filters, and a translation (tests/e2e/test_localization.py)
    # would reach subscribers that do not read the original.
    body = {"headline": headline, "body_html": f"<p>{headline}</p>", "language": language, "target_languages": []}
    answer = wire.request("POST", "/v1/releases", wire.keys["acme"], json={**body, **extra})
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def copies_of(hooks: Receiver, path: str, uri: str) -> list[Received]:
    return [hook for hook in hooks.requests_to(path) if json.loads(hook.body)["data"]["uri"] == uri]


def recipients(wire: PolywireServer, release_id: str) -> set[str]:
    report = wire.request("GET", f"/v1/releases/{release_id}/deliveries", wire.keys["admin"])
    assert report.status_code == 200, report.text
    return {row["subscriber_id"] for row in report.json()["items"]}


def test_create_returns_secrets_once_and_get_never(wire: PolywireServer, hooks: Receiver) -> None:
    """POST answers 201 with ids and secrets (generated: whsec_ + 32 bytes; given: echoed); GETs never show them."""
    sub = create(
        wire,
        {
            "name": "Daily Planet",
            "languages": ["en"],
            "endpoints": [webhook(hooks.url("/gen")), webhook(hooks.url("/given"), secret=GIVEN_SECRET)],
        },
    )
    assert sub["id"].startswith("sub_") and sub["name"] == "Daily Planet" and sub["languages"] == ["en"]
    generated, given = sub["endpoints"]
    assert generated["id"].startswith("ep_") and given["id"].startswith("ep_") and generated["id"] != given["id"]
    assert SECRET_FORMAT.match(generated["secret"]), generated
    assert len(base64.b64decode(generated["secret"].removeprefix("whsec_"), validate=True)) == 32
    assert given["secret"] == GIVEN_SECRET
    other = create(wire, {"name": "Other", "endpoints": [webhook(hooks.url("/gen2"))]})
    assert other["endpoints"][0]["secret"] != generated["secret"], "generated secrets must be fresh"

    one = wire.request("GET", f"/v1/subscribers/{sub['id']}", wire.keys["admin"])
    listing = wire.request("GET", "/v1/subscribers?limit=1000", wire.keys["admin"])
    for answer in (one, listing):
        assert answer.status_code == 200
        assert "whsec_" not in answer.text and '"secret"' not in answer.text, answer.text
    assert [ep["id"] for ep in one.json()["endpoints"]] == [generated["id"], given["id"]]

    # The secrets handed out are the ones the webhooks are signed with.
    item = submit(wire, "Secrets check")
    (gen_hook,) = hooks.wait_for(1, path="/gen")
    (given_hook,) = hooks.wait_for(1, path="/given")
    assert Webhook(generated["secret"]).verify(gen_hook.body, gen_hook.headers)["data"]["uri"] == item["uri"]
    assert Webhook(GIVEN_SECRET).verify(given_hook.body, given_hook.headers)["data"]["uri"] == item["uri"]


def test_patch_changes_filters_and_endpoints(wire: PolywireServer, hooks: Receiver) -> None:
    """PATCH replaces filters and the endpoint set: a kept URL keeps its id, a dropped one goes, a new one is added."""
    sub = create(
        wire,
        {
            "name": "Patched",
            "languages": ["en"],
            "endpoints": [webhook(hooks.url("/p-one")), webhook(hooks.url("/p-two"))],
        },
    )
    one, two = sub["endpoints"]
    answer = wire.request(
        "PATCH",
        f"/v1/subscribers/{sub['id']}",
        wire.keys["admin"],
        json={"languages": ["fr"], "endpoints": [webhook(hooks.url("/p-one")), webhook(hooks.url("/p-three"))]},
    )
    assert answer.status_code == 200, answer.text
    patched = answer.json()
    assert patched["languages"] == ["fr"]
    by_url = {ep["url"]: ep for ep in patched["endpoints"]}
    assert set(by_url) == {hooks.url("/p-one"), hooks.url("/p-three")}
    assert by_url[hooks.url("/p-one")]["id"] == one["id"]
    assert "secret" not in by_url[hooks.url("/p-one")], "a kept endpoint's secret is not shown again"
    three = by_url[hooks.url("/p-three")]
    assert three["id"] not in (one["id"], two["id"]) and SECRET_FORMAT.match(three["secret"])
    stored = wire.request("GET", f"/v1/subscribers/{sub['id']}", wire.keys["admin"]).json()
    assert {ep["id"] for ep in stored["endpoints"]} == {one["id"], three["id"]}
    assert stored["languages"] == ["fr"]

    english = submit(wire, "Patched: English", "en")
    french = submit(wire, "Patched: French", "fr")
    copies = hooks.wait_for(1, path="/p-three")
    hooks.wait_for(1, path="/p-one")
    # The kept endpoint still signs with its original secret.
    (kept,) = copies_of(hooks, "/p-one", french["uri"])
    Webhook(one["secret"]).verify(kept.body, kept.headers)
    Webhook(three["secret"]).verify(copies[0].body, copies[0].headers)
    assert sub["id"] not in recipients(wire, english["id"])
    time.sleep(0.3)
    assert hooks.requests_to("/p-two") == []
    assert copies_of(hooks, "/p-one", english["uri"]) == []


def test_delete_stops_deliveries(wire: PolywireServer, hooks: Receiver) -> None:
    """DELETE answers 204; then GET is 404, the subscriber is not listed, and new releases skip it."""
    gone = create(wire, {"name": "Gone", "endpoints": [webhook(hooks.url("/d-gone"))]})
    stays = create(wire, {"name": "Stays", "endpoints": [webhook(hooks.url("/d-stays"))]})
    deleted = wire.request("DELETE", f"/v1/subscribers/{gone['id']}", wire.keys["admin"])
    assert deleted.status_code == 204 and deleted.content == b""
    assert wire.request("GET", f"/v1/subscribers/{gone['id']}", wire.keys["admin"]).status_code == 404
    assert wire.request("DELETE", f"/v1/subscribers/{gone['id']}", wire.keys["admin"]).status_code == 404
    again = wire.request("PATCH", f"/v1/subscribers/{gone['id']}", wire.keys["admin"], json={"name": "Back"})
    assert again.status_code == 404
    listing = wire.request("GET", "/v1/subscribers?limit=1000", wire.keys["admin"]).json()
    assert gone["id"] not in {item["id"] for item in listing["items"]}

    item = submit(wire, "After the deletion")
    hooks.wait_for(1, path="/d-stays")
    assert recipients(wire, item["id"]) >= {stays["id"]}
    assert gone["id"] not in recipients(wire, item["id"])
    time.sleep(0.3)
    assert hooks.requests_to("/d-gone") == []


def test_delete_cancels_copies_held_for_an_embargo(wire: PolywireServer, hooks: Receiver) -> None:
    """A subscriber deleted while a copy waits for the embargo never receives that copy."""
    sub = create(wire, {"name": "Leaves early", "endpoints": [webhook(hooks.url("/d-held"))]})
    control = create(wire, {"name": "Control", "endpoints": [webhook(hooks.url("/d-control"))]})
    embargo = (datetime.now(UTC) + timedelta(seconds=2)).isoformat().replace("+00:00", "Z")
    item = submit(wire, "Held copy", embargo_until=embargo)
    assert {sub["id"], control["id"]} <= recipients(wire, item["id"])
    assert wire.request("DELETE", f"/v1/subscribers/{sub['id']}", wire.keys["admin"]).status_code == 204
    hooks.wait_for(1, path="/d-control", timeout=10)
    time.sleep(0.3)
    assert hooks.requests_to("/d-held") == []
    report = wire.request("GET", f"/v1/releases/{item['id']}/deliveries", wire.keys["admin"]).json()
    (row,) = [r for r in report["items"] if r["subscriber_id"] == sub["id"]]
    assert row["state"] not in ("held", "pending", "delivered"), row


def test_rotated_secret_signs_alongside_the_old_one(wire: PolywireServer, hooks: Receiver) -> None:
    """After rotate-secret, the next webhook carries two signatures: the old and the new secret both verify it."""
    sub = create(wire, {"name": "Rotating", "endpoints": [webhook(hooks.url("/r-hook"))]})
    (endpoint,) = sub["endpoints"]
    old = endpoint["secret"]
    rotated = wire.request(
        "POST", f"/v1/subscribers/{sub['id']}/endpoints/{endpoint['id']}/rotate-secret", wire.keys["admin"]
    )
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new != old and SECRET_FORMAT.match(new)
    assert rotated.json()["previous_secret_until"]
    shown = wire.request("GET", f"/v1/subscribers/{sub['id']}", wire.keys["admin"])
    assert "whsec_" not in shown.text

    item = submit(wire, "After rotation")
    (hook,) = hooks.wait_for(1, path="/r-hook")
    assert len(hook.headers["webhook-signature"].split(" ")) == 2, hook.headers["webhook-signature"]
    assert Webhook(old).verify(hook.body, hook.headers)["data"]["uri"] == item["uri"]
    assert Webhook(new).verify(hook.body, hook.headers)["data"]["uri"] == item["uri"]
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + base64.b64encode(b"x" * 32).decode()).verify(hook.body, hook.headers)


def test_rotate_secret_refuses_bad_secrets_and_unknown_endpoints(wire: PolywireServer, hooks: Receiver) -> None:
    """Rotation with a malformed secret is 422 naming "secret"; another subscriber's endpoint is 404."""
    sub = create(wire, {"name": "Rotating badly", "endpoints": [webhook(hooks.url("/r-bad"))]})
    other = create(wire, {"name": "Someone else", "endpoints": [webhook(hooks.url("/r-other"))]})
    path = f"/v1/subscribers/{sub['id']}/endpoints/{sub['endpoints'][0]['id']}/rotate-secret"
    bad = wire.request("POST", path, wire.keys["admin"], json={"secret": "whsec_notbase64!!"})
    assert bad.status_code == 422 and bad.json()["field"] == "secret", bad.text
    given = wire.request("POST", path, wire.keys["admin"], json={"secret": GIVEN_SECRET})
    assert given.status_code == 200 and given.json()["secret"] == GIVEN_SECRET
    foreign = f"/v1/subscribers/{sub['id']}/endpoints/{other['endpoints'][0]['id']}/rotate-secret"
    assert wire.request("POST", foreign, wire.keys["admin"]).status_code == 404


ROUTING_SUBSCRIBERS: dict[str, dict[str, Any]] = {
    "all": {},
    "de": {"languages": ["de"]},
    "pt-BR": {"languages": ["pt-BR"]},
    "country DE": {"countries": ["DE"]},
    "sports": {"categories": ["Sports"]},
    "de+DE+sports": {"languages": ["de"], "countries": ["de"], "categories": ["sports"]},
}
# release → which of the subscribers above must get it (and no other).
ROUTING_RELEASES: list[tuple[dict[str, Any], set[str]]] = [
    ({"language": "de-DE"}, {"all", "de", "country DE", "sports", "de+DE+sports"}),
    ({"language": "pt-PT"}, {"all", "country DE", "sports"}),
    ({"language": "pt-BR"}, {"all", "pt-BR", "country DE", "sports"}),
    ({"language": "pt"}, {"all", "pt-BR", "country DE", "sports"}),
    ({"language": "en", "regions": ["US"]}, {"all", "sports"}),
    ({"language": "en", "regions": ["AT", "DE"]}, {"all", "country DE", "sports"}),
    ({"language": "en", "categories": ["business"]}, {"all", "country DE"}),
    ({"language": "de", "categories": ["SPORTS", "culture"], "regions": ["DE"]}, set(ROUTING_SUBSCRIBERS) - {"pt-BR"}),
    ({"language": "de-CH", "categories": ["sports"], "regions": ["CH"]}, {"all", "de", "sports"}),
]


def test_language_country_and_category_routing(wire: PolywireServer, hooks: Receiver) -> None:
    """Empty filters mean all; "de" takes "de-DE", "pt-BR" refuses "pt-PT"; countries and categories must overlap."""
    ids = {
        label: create(wire, {"name": f"route {label}", **filters, "endpoints": [webhook(hooks.url(f"/route/{i}"))]})[
            "id"
        ]
        for i, (label, filters) in enumerate(ROUTING_SUBSCRIBERS.items())
    }
    label_of = {sub_id: label for label, sub_id in ids.items()}
    mismatches = []
    uris = set()
    for number, (fields, expected) in enumerate(ROUTING_RELEASES):
        item = submit(wire, f"Routing {number}", **fields)
        uris.add(item["uri"])
        got = {label_of[s] for s in recipients(wire, item["id"]) if s in label_of}
        if got != expected:
            mismatches.append((fields, sorted(got), sorted(expected)))
    assert mismatches == []
    # And the routing is what really goes out: the catch-all receiver gets every release, the pt-BR desk two.
    received = hooks.wait_for(len(ROUTING_RELEASES), path="/route/0")
    assert {json.loads(hook.body)["data"]["uri"] for hook in received} == uris
    languages = {json.loads(hook.body)["data"]["language"] for hook in hooks.wait_for(2, path="/route/2")}
    assert languages == {"pt-BR", "pt"}


def test_all_languages_is_echoed_toggled_and_must_be_a_boolean(wire: PolywireServer, hooks: Receiver) -> None:
    """POST echoes "all_languages", GET and PATCH show and toggle it, and a non-boolean is 422 naming the field."""
    sub = create(wire, {"name": "Every language", "languages": ["es", "en"], "all_languages": True})
    assert sub["all_languages"] is True
    assert create(wire, {"name": "One language", "languages": ["es"]})["all_languages"] is False
    path = f"/v1/subscribers/{sub['id']}"
    answer = wire.request("PATCH", path, wire.keys["admin"], json={"all_languages": False})
    assert answer.status_code == 200, answer.text
    assert answer.json()["all_languages"] is False
    assert wire.request("GET", path, wire.keys["admin"]).json()["all_languages"] is False
    for method, target, body in (
        ("POST", "/v1/subscribers", {"kind": "outlet", "name": "Bad", "all_languages": "yes"}),
        ("PATCH", path, {"all_languages": 1}),
    ):
        bad = wire.request(method, target, wire.keys["admin"], json=body)
        assert bad.status_code == 422 and bad.json()["field"] == "all_languages", bad.text
