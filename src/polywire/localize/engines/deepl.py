"""The DeepL engine: a client for DeepL's documented API v2.

Keys ending in ``:fx`` belong to the free plan and go to ``api-free.deepl.com``, others to ``api.deepl.com``;
the key travels in ``Authorization: DeepL-Auth-Key KEY``. ``POST /v2/translate`` takes ``text`` (a list, for a
batch), ``target_lang``, ``source_lang``, and for HTML ``tag_handling: html`` (tags kept, text nodes translated),
plus ``ignore_tags`` and ``non_splitting_tags`` and a ``glossary_id`` (which requires ``source_lang``).
``GET /v2/languages?type=source|target`` lists what the account may use. DeepL's codes are upper-case ISO 639-1
with a few regional targets: English must be ``EN-GB`` or ``EN-US``, Portuguese ``PT-PT`` or ``PT-BR``, Chinese
``ZH-HANS`` or ``ZH-HANT``; sources never carry a region. Status 456 means the quota is used up, 429 too many
requests, 403 a refused key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

FREE_API = "https://api-free.deepl.com"
PRO_API = "https://api.deepl.com"


def deepl_source(tag: str) -> str:
    """DeepL's source code for a BCP 47 tag: the primary language, upper-case."""
    return primary_subtag(tag).upper()


def deepl_target(tag: str, *, english: str = "EN-GB", portuguese: str = "PT-PT") -> str:
    """DeepL's target code for a BCP 47 tag; bare ``en`` and ``pt`` take the given defaults."""
    parts = [part.lower() for part in tag.replace("_", "-").split("-")]
    primary, rest = parts[0], set(parts[1:])
    if primary == "en":
        return "EN-US" if "us" in rest else ("EN-GB" if rest & {"gb", "uk"} else english)
    if primary == "pt":
        return "PT-BR" if "br" in rest else ("PT-PT" if "pt" in rest else portuguese)
    if primary == "zh":
        return "ZH-HANT" if rest & {"hant", "tw", "hk", "mo"} else "ZH-HANS"
    return primary.upper()


def base_url_for(api_key: str) -> str:
    """The API host for a key: free-plan keys end in ``:fx``."""
    return FREE_API if api_key.endswith(":fx") else PRO_API


class DeepLEngine(TranslationEngine):
    """Translation through DeepL's API v2, with HTML tag handling and per-pair glossaries."""

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None = None,
        glossaries: Mapping[tuple[str, str], str] | None = None,
        ignore_tags: Sequence[str] = (),
        non_splitting_tags: Sequence[str] = (),
        english: str = "EN-GB",
        portuguese: str = "PT-PT",
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
        name: str = "deepl",
    ) -> None:
        self.name = name
        self.api_key = api_key
        self.base_url = (base_url or (base_url_for(api_key) if api_key else PRO_API)).rstrip("/")
        # Glossary ids by (source, target) primary subtags; DeepL glossaries are made per language pair.
        self.glossaries = dict(glossaries or {})
        self.ignore_tags = list(ignore_tags)
        self.non_splitting_tags = list(non_splitting_tags)
        self.english = english
        self.portuguese = portuguese
        headers = {"Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"DeepL-Auth-Key {api_key}"
        self._client = make_client(self.base_url, timeout, headers, transport)
        self._languages: dict[str, set[str]] = {}

    def close(self) -> None:
        self._client.close()

    def languages(self, kind: str) -> set[str]:
        """The codes DeepL offers this account as `kind` ("source" or "target"), fetched once."""
        if kind not in self._languages:
            body = request(
                self._client,
                self.name,
                "GET",
                "/v2/languages",
                params={"type": kind},
                refused="the API key was refused",
                quota_status=456,
            )
            if not isinstance(body, list):
                raise EngineError(f"{self.name}: /v2/languages did not return a list")
            self._languages[kind] = {str(item["language"]).upper() for item in body}
        return self._languages[kind]

    def supports(self, source: str, target: str) -> Availability:
        if not self.api_key:
            return Availability(False, "no DeepL API key is configured")
        src, tgt = deepl_source(source), self._target(target)
        try:
            sources, targets = self.languages("source"), self.languages("target")
        except EngineError as exc:
            return Availability(False, f"DeepL at {self.base_url} is not usable: {exc}")
        if src not in sources:
            return Availability(False, f"DeepL does not offer {source} ({src}) as a source language")
        if tgt not in targets:
            return Availability(False, f"DeepL does not offer {target} ({tgt}) as a target language")
        return Availability(True, f"DeepL {src}→{tgt}", chain=(source, target))

    def _target(self, tag: str) -> str:
        return deepl_target(tag, english=self.english, portuguese=self.portuguese)

    def translate_detailed(
        self, segments: Sequence[str], *, source: str, target: str, html: bool
    ) -> list[EngineOutput]:
        availability = self.supports(source, target)
        if not availability:
            raise EngineUnavailable(f"{self.name}: {availability.reason}")
        if not segments:
            return []
        payload: dict[str, Any] = {
            "text": list(segments),
            "source_lang": deepl_source(source),
            "target_lang": self._target(target),
        }
        if html:
            payload["tag_handling"] = "html"
        if self.ignore_tags:
            payload["ignore_tags"] = self.ignore_tags
        if self.non_splitting_tags:
            payload["non_splitting_tags"] = self.non_splitting_tags
        glossary = self.glossaries.get((primary_subtag(source), primary_subtag(target)))
        if glossary:
            payload["glossary_id"] = glossary
        body = request(
            self._client,
            self.name,
            "POST",
            "/v2/translate",
            json=payload,
            refused="the API key was refused",
            quota_status=456,
        )
        items = body.get("translations") if isinstance(body, dict) else None
        if not isinstance(items, list) or len(items) != len(segments):
            raise EngineError(f"{self.name}: expected {len(segments)} translations, got {items!r:.200}")
        return [EngineOutput(text=str(i["text"]), raw=str(i["text"]), chain=(source, target)) for i in items]
