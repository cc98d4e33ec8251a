"""The LibreTranslate client against a local server that speaks LibreTranslate's documented API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from polywire.localize.engines import EngineTemporaryError, EngineUnavailable, LibreTranslateEngine
from polywire.localize.translate import translate_text

LANGUAGES = [
    {"code": "en", "name": "English", "targets": ["es", "pb", "de"]},
    {"code": "es", "name": "Spanish", "targets": ["en"]},
]
WORDS = {"hello": "hola", "the": "el", "plant": "planta", "grew": "creció"}


class LibreTranslateServer(BaseHTTPRequestHandler):
    """GET /languages and POST /translate as LibreTranslate documents them; checks the key and the fields."""

    requests: ClassVar[list[dict[str, Any]]] = []
    mode = "ok"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/languages":
            self._answer(200, LANGUAGES)
        else:
            self._answer(404, {"error": "Not found"})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        if self.path != "/translate":
            self._answer(404, {"error": "Not found"})
        elif self.mode == "slow-down":
            self._answer(429, {"error": "Slowdown: 20 per minute"}, {"Retry-After": "30"})
        elif body.get("api_key") != "secret":
            self._answer(403, {"error": "Invalid API key"})
        elif not isinstance(body.get("q"), list) or body.get("format") not in ("text", "html"):
            self._answer(400, {"error": "Invalid request"})
        else:
            out = [" ".join(WORDS.get(word, word) for word in text.split(" ")) for text in body["q"]]
            self._answer(200, {"translatedText": out})


@pytest.fixture
def server() -> Iterator[str]:
    LibreTranslateServer.requests = []
    LibreTranslateServer.mode = "ok"
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), LibreTranslateServer)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_batch_is_sent_as_a_list_with_key_and_format(server: str) -> None:
    """One POST carries every segment in q, the codes, the format and the API key."""
    engine = LibreTranslateEngine(base_url=server, api_key="secret")
    assert engine.translate(["hello", "the plant grew"], source="en", target="es", html=True) == [
        "hola",
        "el planta creció",
    ]
    assert LibreTranslateServer.requests == [
        {"q": ["hello", "the plant grew"], "source": "en", "target": "es", "format": "html", "api_key": "secret"}
    ]


def test_supports_reads_the_languages_list(server: str) -> None:
    """Pairs come from GET /languages; Brazilian Portuguese maps to LibreTranslate's pb code."""
    engine = LibreTranslateEngine(base_url=server)
    assert engine.supports("en", "pt-BR").ok
    availability = engine.supports("es", "de")
    assert not availability.ok and "does not translate es→de" in availability.reason


def test_refused_key_makes_the_engine_unavailable(server: str) -> None:
    """A 403 is permanent: EngineUnavailable with the server's message."""
    engine = LibreTranslateEngine(base_url=server, api_key="wrong")
    with pytest.raises(EngineUnavailable, match="Invalid API key"):
        engine.translate(["hello"], source="en", target="es", html=False)


def test_rate_limit_is_temporary_with_retry_after(server: str) -> None:
    """A 429 is temporary and carries the server's Retry-After."""
    LibreTranslateServer.mode = "slow-down"
    engine = LibreTranslateEngine(base_url=server, api_key="secret")
    with pytest.raises(EngineTemporaryError) as caught:
        engine.translate(["hello"], source="en", target="es", html=False)
    assert caught.value.retry_after == 30.0


def test_unreachable_server_is_reported_by_supports() -> None:
    """With no server listening, supports() says the service is not usable instead of raising."""
    availability = LibreTranslateEngine(base_url="http://127.0.0.1:9", timeout=2).supports("en", "es")
    assert not availability.ok and "not usable" in availability.reason


def test_protected_terms_survive_the_http_engine(server: str) -> None:
    """translate_text masks the brand before LibreTranslate and restores it after."""
    result = translate_text(
        "hello Siemens Energy",
        source="en",
        target="es",
        engine=LibreTranslateEngine(base_url=server, api_key="secret"),
        protected_terms=["Siemens Energy"],
    )
    assert result.text == "hola Siemens Energy"
    assert LibreTranslateServer.requests[-1]["q"] == ["hello ⟦1⟧"]
