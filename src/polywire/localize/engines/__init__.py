"""Translation engines and the chain that picks one per language pair.

Settings map a target language to an ordered list of engine names (``{"pt-BR": ["deepl", "apertium"], "*":
["apertium"]}``); `EngineChain.choose` takes the first engine whose `supports()` says yes, so a missing key or
pair falls through to the next engine instead of failing the release. `describe_engines` lists, for every
engine and pair, whether it can translate here and why not, for ``polywire engines``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from polywire.localize.engines.apertium import ApertiumEngine
from polywire.localize.engines.base import (
    Availability,
    DictionaryEngine,
    EngineError,
    EngineOutput,
    EngineTemporaryError,
    EngineUnavailable,
    TranslationEngine,
    UnknownWord,
)
from polywire.localize.engines.deepl import DeepLEngine
from polywire.localize.engines.libretranslate import LibreTranslateEngine

__all__ = [
    "ApertiumEngine",
    "Availability",
    "DeepLEngine",
    "DictionaryEngine",
    "EngineChain",
    "EngineChoice",
    "EngineError",
    "EngineOutput",
    "EngineRow",
    "EngineTemporaryError",
    "EngineUnavailable",
    "LibreTranslateEngine",
    "TranslationEngine",
    "UnknownWord",
    "describe_engines",
]

DEFAULT_ROUTE: tuple[str, ...] = ("apertium",)


@dataclass(frozen=True, slots=True)
class EngineChoice:
    """The engine picked for a pair and what it said about the pair."""

    engine: TranslationEngine
    availability: Availability


@dataclass
class EngineChain:
    """Engines by name and, per target language, the order in which to try them."""

    engines: Mapping[str, TranslationEngine]
    # Target BCP 47 tag (or its primary subtag, or "*") → engine names in order of preference.
    routes: Mapping[str, Sequence[str]] = field(default_factory=lambda: {"*": DEFAULT_ROUTE})

    def route(self, target: str) -> Sequence[str]:
        """The engine names to try for `target`: its exact tag, then its primary language, then the default."""
        primary = target.replace("_", "-").split("-", 1)[0]
        lowered = {tag.lower(): names for tag, names in self.routes.items()}
        for key in (target.lower(), primary.lower(), "*"):
            if key in lowered:
                return lowered[key]
        return DEFAULT_ROUTE

    def choose(self, source: str, target: str) -> EngineChoice:
        """The first engine on the route that can translate `source` → `target`; EngineUnavailable with every
        engine's reason when none can."""
        reasons = []
        for name in self.route(target):
            engine = self.engines.get(name)
            if engine is None:
                reasons.append(f"{name}: not configured")
                continue
            availability = engine.supports(source, target)
            if availability:
                return EngineChoice(engine, availability)
            reasons.append(f"{name}: {availability.reason}")
        raise EngineUnavailable(f"no engine can translate {source}→{target}: " + "; ".join(reasons))


@dataclass(frozen=True, slots=True)
class EngineRow:
    """One line of ``polywire engines``."""

    engine: str
    source: str
    target: str
    available: bool
    reason: str


def describe_engines(engines: Iterable[TranslationEngine], pairs: Iterable[tuple[str, str]] = ()) -> list[EngineRow]:
    """For each engine, the pairs asked about plus those it knows by itself, with availability and reason."""
    wanted = list(pairs)
    rows = []
    for engine in engines:
        seen: set[tuple[str, str]] = set()
        for source, target in [*wanted, *engine.known_pairs()]:
            if (source, target) in seen:
                continue
            seen.add((source, target))
            availability = engine.supports(source, target)
            rows.append(EngineRow(engine.name, source, target, availability.ok, availability.reason))
    return rows
