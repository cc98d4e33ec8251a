"""The core promise end to end: an embargoed release reaches a matching outlet's webhook at the instant, signed."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from standardwebhooks.webhooks import Webhook

from tests.support.receiver import Receiver
from tests.support.server import PolywireServer


def test_embargoed_release_arrives_signed_at_the_instant(server: PolywireServer, receiver: Receiver) -> None:
    """Nothing arrives before embargo_until; at the instant the copy arrives, verifiable by standardwebhooks."""
    created = server.request(
        "POST",
        "/v1/subscribers",
        server.keys["admin"],
        json={
            "name": "Daily Planet",
            "kind": "outlet",
            "languages": ["en"],
            "endpoints": [{"type": "webhook", "url": receiver.url("/planet")}],
        },
    )
    assert created.status_code == 201, created.text
    secret = created.json()["endpoints"][0]["secret"]
    embargo = (datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0) + timedelta(seconds=1)
    submitted = server.request(
        "POST",
        "/v1/releases",
        server.keys["acme"],
        json={
            "headline": "Acme opens a plant",
            "body_html": "<p>Acme opens a plant in Leipzig.</p>",
            "language": "en",
            "embargo_until": embargo.isoformat().replace("+00:00", "Z"),
        },
    )
    assert submitted.status_code == 201, submitted.text
    time.sleep(max(0.0, embargo.timestamp() - time.time() - 0.3))
    assert receiver.requests_to("/planet") == [], "a copy left before the embargo lifted"
    (hook,) = receiver.wait_for(1, path="/planet", timeout=5)
    assert hook.at >= embargo.timestamp()
    assert hook.at - embargo.timestamp() < 1.0
    payload = Webhook(secret).verify(hook.body, hook.headers)
    assert payload["type"] == "item.published"
    assert payload["data"]["uri"] == submitted.json()["uri"]
    assert payload["data"]["version"] == "1"
    assert json.loads(hook.body)["data"]["headlines"][0]["value"] == "Acme opens a plant"
