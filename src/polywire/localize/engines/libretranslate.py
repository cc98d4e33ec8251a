"""The LibreTranslate engine: a client for a LibreTranslate server's documented HTTP API.

``GET /languages`` lists each language with the targets it translates to; ``POST /translate`` takes ``q`` (a
list, for a batch), ``source``, ``target``, ``format`` (``text`` or ``html``, in which case the server translates
text nodes and keeps tags) and ``api_key`` when the server requires keys, and answers ``translatedText`` in the
same shape as ``q``. LibreTranslate has no glossary or do-not-translate feature, so polywire's own masking
(protect.py) is what keeps names intact. Language codes are ISO 639-1, with ``pb`` for Brazilian Portuguese and
``zt`` for Traditional Chinese in current releases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from polywire.localize.engines.base import (
    Availability,
    EngineError,
    EngineOutput,
    EngineUnavailable,
    TranslationEngine,
    primary_subtag,
)
from polywire.localize.engines.http import make_client, request


def libretranslate_code(tag: str, offered: set[str]) -> str:
    """The LibreTranslate code for a BCP 47 tag among the codes the server offers."""
    lowered = tag.replace("_", "-").lower()
    primary = primary_subtag(tag)
    if lowered in offered:
        return lowered
    if lowered in ("pt-br",) and "pb" in offered:
        return "pb"
    if lowered in ("zh-hant", "zh-tw", "zh-hk", "zh-mo") and "zt" in offered:
        return "zt"
    return primary


class LibreTranslateEngine(TranslationEngine):
    """Translation through a LibreTranslate server (self-hosted or a provider's)."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None = None,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
        name: str = "libretranslate",
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self._client = make_client(self.base_url, timeout, {"Accept": "application/json"}, transport)
        self._languages: dict[str, set[str]] | None = None

    def close(self) -> None:
        self._client.close()

    def languages(self) -> dict[str, set[str]]:
        """Source code → target codes, as the server lists them (fetched once per engine)."""
        if self._languages is None:
            body = request(self._client, self.name, "GET", "/languages", refused="the server refused the request")
            if not isinstance(body, list):
                raise EngineError(f"{self.name}: /languages did not return a list")
            self._languages = {str(item["code"]): {str(t) for t in item.get("targets", [])} for item in body}
        return self._languages

    def _codes(self, source: str, target: str) -> tuple[str, str, Availability]:
        try:
            languages = self.languages()
        except EngineError as exc:
            return "", "", Availability(False, f"LibreTranslate at {self.base_url} is not usable: {exc}")
        # Some codes (pb, zt) appear only as targets, so both lists count as what the server offers.
        offered = set(languages).union(*languages.values())
        src, tgt = libretranslate_code(source, offered), libretranslate_code(target, offered)
        if src not in languages:
            return src, tgt, Availability(False, f"LibreTranslate at {self.base_url} does not offer {source} as source")
        if tgt not in languages[src]:
            return (
                src,
                tgt,
                Availability(False, f"LibreTranslate at {self.base_url} does not translate {source}→{target}"),
            )
        return src, tgt, Availability(True, f"LibreTranslate {src}→{tgt}", chain=(source, target))

    def supports(self, source: str, target: str) -> Availability:
        return self._codes(source, target)[2]

    def translate_detailed(
        self, segments: Sequence[str], *, source: str, target: str, html: bool
    ) -> list[EngineOutput]:
        src, tgt, availability = self._codes(source, target)
        if not availability:
            raise EngineUnavailable(f"{self.name}: {availability.reason}")
        if not segments:
            return []
        payload: dict[str, Any] = {
            "q": list(segments),
            "source": src,
            "target": tgt,
            "format": "html" if html else "text",
        }
        if self.api_key:
            payload["api_key"] = self.api_key
        body = request(
            self._client, self.name, "POST", "/translate", json=payload, refused="the API key was refused or is missing"
        )
        texts = body.get("translatedText") if isinstance(body, dict) else None
        if not isinstance(texts, list) or len(texts) != len(segments):
            raise EngineError(f"{self.name}: expected {len(segments)} translations, got {texts!r:.200}")
        return [EngineOutput(text=str(t), raw=str(t), chain=(source, target)) for t in texts]
