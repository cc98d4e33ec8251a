"""Shared helpers for the end-to-end delivery tests (this module holds no tests of its own).

Everything goes through the public HTTP API of a real ``polywire serve`` process and real HTTP receivers; a
webhook is only believed after ``standardwebhooks`` verified its signature, exactly as an outlet would.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from standardwebhooks.webhooks import Webhook

from tests.support.receiver import Received, Receiver
from tests.support.server import PolywireServer


@dataclass(frozen=True)
class Outlet:
    """A subscriber with one webhook endpoint on a test receiver."""

    id: str
    endpoint_id: str
    secret: str
    path: str


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def embargo_in(seconds: float) -> datetime:
    """An embargo instant ``seconds`` from now, on a whole millisecond (what the API keeps)."""
    moment = datetime.now(UTC) + timedelta(seconds=seconds)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def add_outlet(
    server: PolywireServer,
    url: str,
    *,
    path: str = "",
    name: str | None = None,
    languages: Iterable[str] = (),
    countries: Iterable[str] = (),
    categories: Iterable[str] = (),
) -> Outlet:
    created = server.request(
        "POST",
        "/v1/subscribers",
        server.keys["admin"],
        json={
            "name": name or f"Outlet {path or url}",
            "kind": "outlet",
            "languages": list(languages),
            "countries": list(countries),
            "categories": list(categories),
            "endpoints": [{"type": "webhook", "url": url}],
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    endpoint = body["endpoints"][0]
    return Outlet(id=body["id"], endpoint_id=endpoint["id"], secret=endpoint["secret"], path=path)


def subscribe(receiver: Receiver, server: PolywireServer, path: str, **filters: Any) -> Outlet:
    """Register an outlet whose endpoint is ``path`` on ``receiver``."""
    return add_outlet(server, receiver.url(path), path=path, **filters)


def submit(
    server: PolywireServer, key: str = "acme", *, embargo: datetime | None = None, **fields: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "headline": "Acme opens a plant",
        "body_html": "<p>Acme opens a plant in Leipzig.</p>",
        "language": "en",
        **fields,
    }
    if embargo is not None:
        body["embargo_until"] = rfc3339(embargo)
    answer = server.request("POST", "/v1/releases", server.keys[key], json=body)
    assert answer.status_code == 201, answer.text
    release: dict[str, Any] = answer.json()
    return release


def report(server: PolywireServer, release_id: str, key: str = "admin") -> dict[str, Any]:
    answer = server.request("GET", f"/v1/releases/{release_id}/deliveries", server.keys[key])
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def items_by_endpoint(rep: dict[str, Any], version: int | None = None) -> dict[str, dict[str, Any]]:
    """Report rows keyed by endpoint id (one version at a time, so there is one row per endpoint)."""
    rows = [item for item in rep["items"] if version is None or item["version"] == version]
    keyed = {item["endpoint_id"]: item for item in rows}
    assert len(keyed) == len(rows), f"more than one row per endpoint: {rows}"
    return keyed


def wait_until(predicate: Callable[[], Any], *, timeout: float, interval: float = 0.05, what: str = "") -> Any:
    """Poll until ``predicate`` returns something truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(interval)


def wait_for_report(
    server: PolywireServer, release_id: str, predicate: Callable[[dict[str, Any]], bool], *, timeout: float
) -> dict[str, Any]:
    last: dict[str, Any] = {}

    def check() -> bool:
        nonlocal last
        last = report(server, release_id)
        return predicate(last)

    try:
        wait_until(check, timeout=timeout, what=f"delivery report of {release_id}")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; last report: {last}") from None
    return last


def all_in_state(state: str, count: int) -> Callable[[dict[str, Any]], bool]:
    return lambda rep: rep["summary"]["total"] == count and rep["summary"][state] == count


def verified(hook: Received, outlet: Outlet) -> dict[str, Any]:
    """The webhook's payload, after checking its signature with the outlet's secret as an outlet would."""
    payload: dict[str, Any] = Webhook(outlet.secret).verify(hook.body, hook.headers)
    return payload


def subscriber(server: PolywireServer, subscriber_id: str) -> dict[str, Any]:
    answer = server.request("GET", f"/v1/subscribers/{subscriber_id}", server.keys["admin"])
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def unique_tag(label: str) -> str:
    """A category no other test uses: on a server shared by a module's tests, a subscriber filtering on it and a
    release carrying it meet nobody else's (every release in such tests must carry its test's tag)."""
    return f"{label}-{uuid.uuid4().hex[:8]}"


@contextmanager
def custom_server(data_dir: Path, **env: str) -> Iterator[PolywireServer]:
    """A server like the ``server`` fixture's (admin, Acme and Globex keys), with extra POLYWIRE_* settings."""
    instance = PolywireServer(data_dir, env=env)
    instance.with_standard_keys()
    instance.start()
    try:
        yield instance
    finally:
        instance.close()
