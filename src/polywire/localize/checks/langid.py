"""Language identification for the checks, with lingua's bundled models, restricted to the likely languages.

Restricting the detector to the languages a wire actually handles makes it faster and more accurate than
asking "which of 75 languages is this": a German sentence is never mistaken for Afrikaans when Afrikaans is not
a candidate. Malay and Indonesian are one class here (``ms``), because they are mutually intelligible
standards that even lingua separates unreliably on one sentence, and a subscriber reading one reads the other.
Detectors are built once per process and candidate set.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

# The languages polywire serves, plus the neighbours an engine most often falls back into.
LIKELY_LANGUAGES = frozenset(
    {"en", "de", "fr", "es", "pt", "lt", "ms", "id", "zh", "ja", "ko", "ar", "vi", "th", "ru", "it", "ca", "nl"}
)
# Languages treated as one class: a code here maps to the class it belongs to.
_SAME_CLASS = {"id": "ms"}


def language_class(code: str) -> str:
    """The class a primary language subtag belongs to for identification (``id`` → ``ms``)."""
    return _SAME_CLASS.get(code, code)


def _to_lingua(code: str) -> Language | None:
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
    except (ValueError, AttributeError):
        return None


@lru_cache(maxsize=16)
def detector(codes: frozenset[str]) -> LanguageDetector:
    """A detector over the given primary subtags (unknown ones ignored), built once per process and set."""
    languages = [lang for lang in map(_to_lingua, sorted(codes)) if lang is not None]
    return LanguageDetectorBuilder.from_languages(*languages).build()


@dataclass(frozen=True, slots=True)
class Guess:
    """The most likely language class of a text, its confidence, and the confidence of the expected class."""

    language: str
    confidence: float
    expected_confidence: float


def identify(text: str, expected: str, extra: frozenset[str] = frozenset()) -> Guess:
    """Identify ``text`` among the likely languages (plus ``extra``), folding ms/id into one class."""
    codes = LIKELY_LANGUAGES | extra | {expected}
    scores: dict[str, float] = {}
    for value in detector(frozenset(codes)).compute_language_confidence_values(text):
        code = language_class(value.language.iso_code_639_1.name.lower())
        scores[code] = scores.get(code, 0.0) + value.value
    if not scores:
        return Guess(language=language_class(expected), confidence=0.0, expected_confidence=0.0)
    best = max(scores, key=lambda code: scores[code])
    return Guess(language=best, confidence=scores[best], expected_confidence=scores.get(language_class(expected), 0.0))
