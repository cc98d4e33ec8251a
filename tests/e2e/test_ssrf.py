"""SSRF end to end: without POLYWIRE_ALLOW_PRIVATE_ENDPOINTS, private targets are refused at registration and at
connect time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.receiver import Receiver
from tests.support.server import PolywireServer

PRIVATE_URLS = [
    "http://127.0.0.1:{port}/",
    "http://localhost:{port}/",
    "http://[::1]/",
    "http://169.254.169.254/latest/meta-data",
    "http://10.0.0.1/",
    "http://192.168.1.10:8080/hook",
    "http://[::ffff:127.0.0.1]/",
    "http://0x7f000001/",
    "file:///etc/passwd",
    "javascript:alert(1)",
]


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolywireServer]:
    """A server with the private-address guard on, as in production."""
    instance = PolywireServer(tmp_path_factory.mktemp("ssrf") / "var", env={"POLYWIRE_ALLOW_PRIVATE_ENDPOINTS": "0"})
    instance.keys["admin"] = instance.create_key("admin", "ops")
    instance.start()
    yield instance
    instance.close()


def subscriber_ids(server: PolywireServer) -> list[str]:
    answer = server.request("GET", "/v1/subscribers?limit=1000", server.keys["admin"])
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["items"]]


@pytest.mark.parametrize("template", PRIVATE_URLS)
def test_private_targets_are_refused_at_registration(guarded: PolywireServer, template: str) -> None:
    """Loopback, private, link-local/metadata and non-http URLs get 422 naming endpoints.0.url; nothing stored."""
    url = template.format(port=guarded.port)
    before = subscriber_ids(guarded)
    answer = guarded.request(
        "POST",
        "/v1/subscribers",
        guarded.keys["admin"],
        json={"name": "Probe", "kind": "outlet", "endpoints": [{"type": "webhook", "url": url}]},
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["field"] == "endpoints.0.url", answer.json()
    assert subscriber_ids(guarded) == before


def test_private_target_is_refused_in_a_patch(guarded: PolywireServer) -> None:
    """Changing an endpoint set to include a private address is refused the same way, and changes nothing."""
    created = guarded.request(
        "POST", "/v1/subscribers", guarded.keys["admin"], json={"name": "No endpoints yet", "kind": "outlet"}
    )
    assert created.status_code == 201, created.text
    sub_id = created.json()["id"]
    answer = guarded.request(
        "PATCH",
        f"/v1/subscribers/{sub_id}",
        guarded.keys["admin"],
        json={"endpoints": [{"type": "webhook", "url": "http://169.254.169.254/latest/meta-data"}]},
    )
    assert answer.status_code == 422 and answer.json()["field"] == "endpoints.0.url", answer.text
    assert guarded.request("GET", f"/v1/subscribers/{sub_id}", guarded.keys["admin"]).json()["endpoints"] == []


def wait_for_state(server: PolywireServer, release_id: str, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        report: dict[str, Any] = server.request(
            "GET", f"/v1/releases/{release_id}/deliveries", server.keys["admin"]
        ).json()
        if report["items"] and all(item["state"] not in ("held", "pending") for item in report["items"]):
            return report
        if time.monotonic() > deadline:
            raise AssertionError(f"deliveries did not settle: {report}")
        time.sleep(0.1)


def test_connect_time_guard_refuses_an_endpoint_registered_earlier(server: PolywireServer, receiver: Receiver) -> None:
    """An endpoint registered while private targets were allowed gets nothing once they are not; the report says why."""
    created = server.request(
        "POST",
        "/v1/subscribers",
        server.keys["admin"],
        json={"name": "Inside", "kind": "outlet", "endpoints": [{"type": "webhook", "url": receiver.url("/inside")}]},
    )
    assert created.status_code == 201, created.text
    server.stop()
    server.env["POLYWIRE_ALLOW_PRIVATE_ENDPOINTS"] = "0"
    server.start()

    submitted = server.request(
        "POST",
        "/v1/releases",
        server.keys["acme"],
        json={"headline": "Inside job", "body_html": "<p>Nothing to see.</p>", "language": "en"},
    )
    assert submitted.status_code == 201, submitted.text
    report = wait_for_state(server, submitted.json()["id"])
    (item,) = report["items"]
    assert item["state"] == "failed", item
    assert item["url"] == receiver.url("/inside")
    assert "127.0.0.1" in item["last_error"] and "private" in item["last_error"], item["last_error"]
    assert item["delivered_at"] is None and item["last_status"] is None
    assert report["summary"]["delivered"] == 0 and report["summary"]["failed"] == 1
    time.sleep(0.3)
    assert receiver.received == []
