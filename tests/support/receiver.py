"""A real HTTP webhook receiver for tests: records every request and answers as the test tells it.

It runs a threading HTTP server on 127.0.0.1 so that slow answers (sleeps) for one path never block another.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.time() when the request was fully read


@dataclass
class Answer:
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class _RoomyServer(ThreadingHTTPServer):
    # A deep accept queue: a fan-out opens dozens of connections at once, and socketserver's default of 5 would
    # make the receiver, not polywire, the bottleneck.
    request_queue_size = 1024
    daemon_threads = True


class Receiver:
    """Collects webhooks; ``answers`` maps a path to a function giving the Answer for each request."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: dict[str, Callable[[Received], Answer]] = {}
        self._lock = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                request = Received(
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    at=time.time(),
                )
                answer_for = receiver.answers.get(self.path)
                answer = answer_for(request) if answer_for else Answer()
                with receiver._lock:
                    receiver.received.append(request)
                    receiver._lock.notify_all()
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:
                return None

        self._server = _RoomyServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def on(self, path: str, answer: Callable[[Received], Answer]) -> None:
        self.answers[path] = answer

    def requests_to(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path == path]

    def wait_for(self, count: int, *, path: str | None = None, timeout: float = 10.0) -> list[Received]:
        """Block until at least ``count`` requests (to ``path`` if given) arrived; fail loudly otherwise."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                matching = [r for r in self.received if path is None or r.path == path]
                if len(matching) >= count:
                    return matching
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} webhooks to {path or 'any path'}, got {len(matching)}")
                self._lock.wait(left)
