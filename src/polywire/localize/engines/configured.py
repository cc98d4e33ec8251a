"""The engines this installation has, built from its settings: apertium always, DeepL and LibreTranslate when
their key or URL is configured, the neural engine when a route names it or neural models are configured (it may
ask the model hub in `supports()`, which an installation that never uses it should not pay for)."""

from __future__ import annotations

from pathlib import Path

from polywire.config import TranslationSettings
from polywire.localize.engines import EngineChain
from polywire.localize.engines.apertium import ApertiumEngine
from polywire.localize.engines.base import TranslationEngine
from polywire.localize.engines.deepl import DeepLEngine
from polywire.localize.engines.libretranslate import LibreTranslateEngine
from polywire.localize.engines.model_store import ModelStore, parse_sources
from polywire.localize.engines.neural import NeuralEngine


def configured_engines(settings: TranslationSettings) -> dict[str, TranslationEngine]:
    engines: dict[str, TranslationEngine] = {"apertium": ApertiumEngine(timeout=settings.apertium_timeout)}
    if settings.deepl_api_key:
        engines["deepl"] = DeepLEngine(api_key=settings.deepl_api_key, base_url=settings.deepl_url)
    if settings.libretranslate_url:
        engines["libretranslate"] = LibreTranslateEngine(
            base_url=settings.libretranslate_url, api_key=settings.libretranslate_api_key
        )
    if settings.neural_models or any("neural" in names for names in settings.routes.values()):
        store = ModelStore(
            settings.model_cache or Path("var").resolve() / "models",
            hub_url=settings.model_hub_url,
            sources=parse_sources(settings.neural_models),
        )
        engines["neural"] = NeuralEngine(
            store=store, inter_threads=settings.neural_inter_threads, intra_threads=settings.neural_intra_threads
        )
    return engines


def configured_chain(settings: TranslationSettings) -> EngineChain:
    return EngineChain(engines=configured_engines(settings), routes=settings.routes)
