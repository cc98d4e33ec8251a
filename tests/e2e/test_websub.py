"""polywire's WebSub hub end to end: a real ``polywire serve`` and a real HTTP callback server, as an outlet's
WebSub subscriber would run it.

The callback answers the hub's verification GETs (echoing ``hub.challenge``, or not, as a test tells it) and
records every push; a push is believed only after its ``X-Hub-Signature`` was recomputed here with HMAC-SHA256 and
its body parsed by feedparser without complaint. Each test subscribes to feeds filtered by a category of its own.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import feedparser
import httpx
import pytest

from tests.e2e.test_delivery_support import custom_server, embargo_in, submit, unique_tag, wait_until
from tests.support.server import PolywireServer

SECRET = "outlet-websub-secret"


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)


@dataclass
class Callbacks:
    """A WebSub subscriber's callback server: per path, whether GETs echo the challenge and what POSTs answer."""

    calls: list[Call] = field(default_factory=list)
    wrong_challenge: set[str] = field(default_factory=set)
    post_statuses: dict[str, list[int]] = field(default_factory=dict)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def of(self, path: str, method: str) -> list[Call]:
        return [call for call in list(self.calls) if call.path == path and call.method == method]

    def wait(self, path: str, method: str, count: int, timeout: float = 15) -> list[Call]:
        found: list[Call] = wait_until(
            lambda: calls if len(calls := self.of(path, method)) >= count else None,
            timeout=timeout,
            what=f"{count} {method} to {path}",
        )
        return found


@pytest.fixture(scope="module")
def callbacks() -> Iterator[Callbacks]:
    state = Callbacks()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _record(self, body: bytes) -> Call:
            parts = urlsplit(self.path)
            call = Call(
                self.command,
                parts.path,
                {k: v[0] for k, v in parse_qs(parts.query).items()},
                {k.lower(): v for k, v in self.headers.items()},
                body,
            )
            state.calls.append(call)
            return call

        def _answer(self, status: int, body: bytes = b"") -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            call = self._record(b"")
            challenge = call.query.get("hub.challenge", "")
            self._answer(200, b"not-the-challenge" if call.path in state.wrong_challenge else challenge.encode())

        def do_POST(self) -> None:
            call = self._record(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            statuses = state.post_statuses.get(call.path) or [204]
            self._answer(statuses.pop(0) if len(statuses) > 1 else statuses[0])

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolywireServer]:
    # Leases as short as a second, so that expiry shows within a test.
    with custom_server(tmp_path_factory.mktemp("websub") / "var", POLYWIRE_WEBSUB_LEASE_MIN="1") as instance:
        yield instance


def _topic(hub: PolywireServer, tag: str) -> str:
    return f"{hub.url}/feeds/en.atom?category={tag}"


def _ask(hub: PolywireServer, **form: str) -> httpx.Response:
    return hub.http.post("/websub", data={f"hub.{name}": value for name, value in form.items()})


def _subscribe(hub: PolywireServer, callbacks: Callbacks, path: str, tag: str, **extra: str) -> Call:
    answer = _ask(hub, mode="subscribe", callback=callbacks.url(path), topic=_topic(hub, tag), **extra)
    assert answer.status_code == 202, answer.text
    [verification] = callbacks.wait(path, "GET", 1)
    assert verification.query["hub.mode"] == "subscribe"
    assert verification.query["hub.topic"] == _topic(hub, tag)
    return verification


def _signed_feed(call: Call, hub: PolywireServer, tag: str) -> Any:
    expected = hmac.new(SECRET.encode(), call.body, hashlib.sha256).hexdigest()
    assert call.headers["x-hub-signature"] == f"sha256={expected}"
    assert call.headers["content-type"] == "application/atom+xml"
    assert call.headers["link"] == f'<{hub.url}/websub>; rel="hub", <{_topic(hub, tag)}>; rel="self"'
    parsed = feedparser.parse(call.body)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def test_a_subscriber_gets_the_embargo_release_a_correction_and_the_withdrawal_pushed(
    hub: PolywireServer, callbacks: Callbacks
) -> None:
    """Subscribe → 202 → verification with a challenge; at the embargo instant the Atom page with the entry is
    pushed, signed; a correction pushes the updated entry under the same id; a withdrawal pushes a deleted entry."""
    tag = unique_tag("websub")
    verification = _subscribe(hub, callbacks, "/flow", tag, secret=SECRET, lease_seconds="3600")
    assert verification.query["hub.lease_seconds"] == "3600" and len(verification.query["hub.challenge"]) >= 32
    release = submit(hub, embargo=embargo_in(3), categories=[tag], headline="Acme opens a plant in Leipzig")
    time.sleep(1)
    assert callbacks.of("/flow", "POST") == []  # nothing before the instant
    [first] = callbacks.wait("/flow", "POST", 1)
    feed = _signed_feed(first, hub, tag)
    assert [(entry.id, entry.title) for entry in feed.entries] == [(release["uri"], "Acme opens a plant in Leipzig")]

    corrected = hub.request(
        "POST",
        f"/v1/releases/{release['id']}/corrections",
        hub.keys["acme"],
        json={"headline": "Acme opens a plant in Leipzig-Halle", "ednote": "Corrects the site"},
    )
    assert corrected.status_code in (200, 201), corrected.text
    second = callbacks.wait("/flow", "POST", 2)[1]
    entry = _signed_feed(second, hub, tag).entries[0]
    assert (entry.id, entry.title) == (release["uri"], "Acme opens a plant in Leipzig-Halle")
    assert entry.updated_parsed >= feed.entries[0].updated_parsed

    withdrawn = hub.request(
        "POST", f"/v1/releases/{release['id']}/withdraw", hub.keys["acme"], json={"reason": "Issued in error"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    third = callbacks.wait("/flow", "POST", 3)[2]
    assert _signed_feed(third, hub, tag).entries == []
    assert b"deleted-entry" in third.body and release["uri"].encode() in third.body


def test_no_push_without_confirmed_intent_after_the_lease_or_after_unsubscribing(
    hub: PolywireServer, callbacks: Callbacks
) -> None:
    """A callback that does not echo the challenge is not subscribed; a lease of one second lapses; an
    unsubscribe is verified (hub.mode=unsubscribe) and ends the subscription: none of them gets a push."""
    wrong, short, left = (unique_tag(label) for label in ("wrong", "short", "left"))
    callbacks.wrong_challenge.add("/wrong")
    _subscribe(hub, callbacks, "/wrong", wrong)
    verification = _subscribe(hub, callbacks, "/short", short, lease_seconds="1")
    assert verification.query["hub.lease_seconds"] == "1"
    _subscribe(hub, callbacks, "/left", left)
    answer = _ask(hub, mode="unsubscribe", callback=callbacks.url("/left"), topic=_topic(hub, left))
    assert answer.status_code == 202
    unsubscribe = callbacks.wait("/left", "GET", 2)[1]
    assert unsubscribe.query["hub.mode"] == "unsubscribe" and "hub.lease_seconds" not in unsubscribe.query
    # A control subscriber on the same release proves the pushes for it have gone out.
    control = unique_tag("control")
    _subscribe(hub, callbacks, "/control", control)
    time.sleep(1.5)  # the one-second lease lapses
    submit(hub, categories=[wrong, short, left, control])
    callbacks.wait("/control", "POST", 1)
    time.sleep(1)
    assert [callbacks.of(path, "POST") for path in ("/wrong", "/short", "/left")] == [[], [], []]


def test_a_push_answered_500_is_retried_until_the_callback_takes_it(hub: PolywireServer, callbacks: Callbacks) -> None:
    """500 then 204: the push goes again on the webhook schedule (about 5 s later) and is then done; unsigned
    without a secret."""
    tag = unique_tag("retry")
    callbacks.post_statuses["/retry"] = [500, 204]
    _subscribe(hub, callbacks, "/retry", tag)
    release = submit(hub, categories=[tag])
    first, second = callbacks.wait("/retry", "POST", 2, timeout=20)
    assert 3.5 <= second.at - first.at <= 8
    assert first.body == second.body and "x-hub-signature" not in second.headers
    assert [entry.id for entry in feedparser.parse(second.body).entries] == [release["uri"]]
    time.sleep(1)
    assert len(callbacks.of("/retry", "POST")) == 2


def test_a_topic_this_hub_does_not_serve_is_denied(hub: PolywireServer, callbacks: Callbacks) -> None:
    """202, then a hub.mode=denied GET with the reason, for another host's feed and a non-canonical spelling."""
    assert (
        _ask(hub, mode="subscribe", callback=callbacks.url("/denied"), topic="https://example.com/feed").status_code
        == 202
    )
    other = f"{hub.url}/feeds/en.atom?region=DE&category=x"
    assert _ask(hub, mode="subscribe", callback=callbacks.url("/denied"), topic=other).status_code == 202
    denials = callbacks.wait("/denied", "GET", 2)
    assert {call.query["hub.mode"] for call in denials} == {"denied"}
    reasons = {call.query["hub.topic"]: call.query["hub.reason"] for call in denials}
    assert f"{hub.url}/feeds/en.atom?category=x&region=DE" in reasons[other]


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"callback": "http://127.0.0.1:9/x", "topic": "http://a/b"}, "hub.mode"),
        ({"mode": "publish", "callback": "http://127.0.0.1:9/x", "topic": "http://a/b"}, "hub.mode"),
        ({"mode": "subscribe", "topic": "http://a/b"}, "hub.callback"),
        ({"mode": "subscribe", "callback": "ftp://127.0.0.1/x", "topic": "http://a/b"}, "hub.callback"),
        ({"mode": "subscribe", "callback": "http://127.0.0.1:9/x"}, "hub.topic"),
        (
            {"mode": "subscribe", "callback": "http://127.0.0.1:9/x", "topic": "http://a/b", "lease_seconds": "soon"},
            "hub.lease_seconds",
        ),
        (
            {"mode": "subscribe", "callback": "http://127.0.0.1:9/x", "topic": "http://a/b", "secret": "x" * 200},
            "hub.secret",
        ),
    ],
)
def test_bad_requests_are_refused_naming_the_hub_field(hub: PolywireServer, form: dict[str, str], field: str) -> None:
    """A request the hub cannot read is a 400 in plain text (WebSub 5.1.2) starting with the hub.* field."""
    answer = _ask(hub, **form)
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.text.startswith(f"{field}: ")


def test_a_body_that_is_not_a_form_is_refused(hub: PolywireServer) -> None:
    """JSON is not what WebSub subscribers send: 415 naming the body."""
    answer = hub.http.post("/websub", json={"hub.mode": "subscribe"})
    assert answer.status_code == 415 and answer.text.startswith("body: ")


def test_a_push_waiting_for_its_retry_survives_a_crash(hub: PolywireServer, callbacks: Callbacks) -> None:
    """The server is killed (-9) while a push waits for its retry; after the restart the push goes out."""
    tag = unique_tag("crash")
    callbacks.post_statuses["/crash"] = [503, 204]
    _subscribe(hub, callbacks, "/crash", tag, secret=SECRET)
    release = submit(hub, categories=[tag])
    callbacks.wait("/crash", "POST", 1)
    hub.kill9()
    hub.start()
    second = callbacks.wait("/crash", "POST", 2, timeout=20)[1]
    assert [entry.id for entry in _signed_feed(second, hub, tag).entries] == [release["uri"]]
