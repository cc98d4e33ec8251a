"""Localisation: engines, term protection, quality checks and the gate.

The public names of the engine and protection half are re-exported here: `translate_text` / `translate_texts`
(protect, translate, restore) and their `Translation`, `mask` / `restore` with `RestoreReport`, and the engines
with their chain (see polywire.localize.engines).
"""

from polywire.localize.engines import (
    ApertiumEngine,
    Availability,
    DeepLEngine,
    DictionaryEngine,
    EngineChain,
    EngineError,
    EngineTemporaryError,
    EngineUnavailable,
    LibreTranslateEngine,
    TranslationEngine,
    UnknownWord,
    describe_engines,
)
from polywire.localize.protect import Kind, Masked, Protected, RestoreReport, mask, restore
from polywire.localize.translate import Translation, translate_text, translate_texts

__all__ = [
    "ApertiumEngine",
    "Availability",
    "DeepLEngine",
    "DictionaryEngine",
    "EngineChain",
    "EngineError",
    "EngineTemporaryError",
    "EngineUnavailable",
    "Kind",
    "LibreTranslateEngine",
    "Masked",
    "Protected",
    "RestoreReport",
    "Translation",
    "TranslationEngine",
    "UnknownWord",
    "describe_engines",
    "mask",
    "restore",
    "translate_text",
    "translate_texts",
]
