"""The engines this installation has, built from its settings: apertium always, DeepL and LibreTranslate when
their key or URL is configured."""

from __future__ import annotations

from polywire.config import TranslationSettings
from polywire.localize.engines import EngineChain
from polywire.localize.engines.apertium import ApertiumEngine
from polywire.localize.engines.base import TranslationEngine
from polywire.localize.engines.deepl import DeepLEngine
from polywire.localize.engines.libretranslate import LibreTranslateEngine


def configured_engines(settings: TranslationSettings) -> dict[str, TranslationEngine]:
    engines: dict[str, TranslationEngine] = {"apertium": ApertiumEngine(timeout=settings.apertium_timeout)}
    if settings.deepl_api_key:
        engines["deepl"] = DeepLEngine(api_key=settings.deepl_api_key, base_url=settings.deepl_url)
    if settings.libretranslate_url:
        engines["libretranslate"] = LibreTranslateEngine(
            base_url=settings.libretranslate_url, api_key=settings.libretranslate_api_key
        )
    return engines


def configured_chain(settings: TranslationSettings) -> EngineChain:
    return EngineChain(engines=configured_engines(settings), routes=settings.routes)
