"""The DeepL client against a local server that speaks DeepL's documented API v2."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from polywire.localize.engines import DeepLEngine, EngineTemporaryError, EngineUnavailable
from polywire.localize.engines.deepl import FREE_API, PRO_API, base_url_for, deepl_target

KEY = "0123-abcd:fx"
SOURCES = [{"language": code, "name": code} for code in ("EN", "DE", "ES", "PT")]
TARGETS = [
    {"language": code, "name": code, "supports_formality": False}
    for code in ("EN-GB", "EN-US", "DE", "ES", "PT-PT", "PT-BR")
]


class DeepLServer(BaseHTTPRequestHandler):
    """/v2/languages and /v2/translate as DeepL documents them; refuses requests without the right auth header."""

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

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") != f"DeepL-Auth-Key {KEY}":
            self._answer(403, {"message": "Wrong endpoint or invalid authentication key"})
            return False
        return True

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if not self._authorised():
            return
        kind = parse_qs(url.query).get("type", ["source"])[0]
        if url.path == "/v2/languages":
            self._answer(200, TARGETS if kind == "target" else SOURCES)
        else:
            self._answer(404, {"message": "Not found"})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        if not self._authorised():
            return
        if self.mode == "quota":
            self._answer(456, {"message": "Quota exceeded"})
        elif self.mode == "busy":
            self._answer(429, {"message": "Too many requests"}, {"Retry-After": "2"})
        elif "glossary_id" in body and "source_lang" not in body:
            self._answer(400, {"message": "glossary_id requires source_lang"})
        else:
            translations = [
                {"detected_source_language": body.get("source_lang", "EN"), "text": f"[{body['target_lang']}] {t}"}
                for t in body["text"]
            ]
            self._answer(200, {"translations": translations})


@pytest.fixture
def server() -> Iterator[str]:
    DeepLServer.requests = []
    DeepLServer.mode = "ok"
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), DeepLServer)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_request_follows_the_documented_shape(server: str) -> None:
    """text[] batch, DeepL codes, html tag handling, ignore tags and the pair's glossary id are all sent."""
    engine = DeepLEngine(
        api_key=KEY, base_url=server, glossaries={("en", "pt"): "gl-1"}, ignore_tags=["code"], non_splitting_tags=["b"]
    )
    out = engine.translate(["<p>One</p>", "<p>Two</p>"], source="en-US", target="pt-BR", html=True)
    assert out == ["[PT-BR] <p>One</p>", "[PT-BR] <p>Two</p>"]
    assert DeepLServer.requests == [
        {
            "text": ["<p>One</p>", "<p>Two</p>"],
            "source_lang": "EN",
            "target_lang": "PT-BR",
            "tag_handling": "html",
            "ignore_tags": ["code"],
            "non_splitting_tags": ["b"],
            "glossary_id": "gl-1",
        }
    ]


def test_language_codes_follow_deepl() -> None:
    """English and Portuguese targets always carry a region; Chinese picks its script."""
    assert [deepl_target(t) for t in ("en", "en-US", "pt", "pt-BR", "zh-TW", "zh", "de-AT")] == [
        "EN-GB", "EN-US", "PT-PT", "PT-BR", "ZH-HANT", "ZH-HANS", "DE",
    ]  # fmt: skip


def test_free_keys_go_to_the_free_api() -> None:
    """A key ending in :fx selects api-free.deepl.com, any other key api.deepl.com."""
    assert base_url_for("abc:fx") == FREE_API and base_url_for("abc") == PRO_API
    assert DeepLEngine(api_key="abc:fx").base_url == FREE_API


def test_supports_checks_the_key_and_the_language_lists(server: str) -> None:
    """Without a key, or for a target DeepL does not list, supports() says why not."""
    assert "no DeepL API key" in DeepLEngine(api_key=None, base_url=server).supports("en", "es").reason
    engine = DeepLEngine(api_key=KEY, base_url=server)
    assert engine.supports("en", "es").ok
    assert "does not offer lt (LT)" in engine.supports("en", "lt").reason


def test_refused_key_and_exhausted_quota_are_permanent(server: str) -> None:
    """403 and 456 make the engine unavailable, so the chain moves on."""
    assert "invalid authentication key" in DeepLEngine(api_key="other", base_url=server).supports("en", "es").reason
    DeepLServer.mode = "quota"
    with pytest.raises(EngineUnavailable, match="quota is used up"):
        DeepLEngine(api_key=KEY, base_url=server).translate(["x"], source="en", target="es", html=False)


def test_rate_limit_is_temporary(server: str) -> None:
    """429 is temporary and keeps the Retry-After."""
    DeepLServer.mode = "busy"
    with pytest.raises(EngineTemporaryError) as caught:
        DeepLEngine(api_key=KEY, base_url=server).translate(["x"], source="en", target="es", html=False)
    assert caught.value.retry_after == 2.0
