"""Check ``protected_names``: names fused with the next word, altered, or (for protected terms) missing.

"Macronaskuris" is "Macron" + Lithuanian ending "as" + "kuris" ("who"): the engine joined a name to the word
after it. Names are the source's capitalised words that do not start a sentence, plus the protected terms
passed in. A target word that starts with a name is fine when what follows is a short inflection (Lithuanian
"Macrono", German "Macrons") or a hyphenated compound ("Acme-Werk"); it is fused when, after at most three
letters of inflection, the rest is a word of the target or source language. Protected terms must also appear
(verbatim or inflected); a near miss ("Macorn") is reported as altered. Names found only by capitalisation are
checked for fusion and alteration, not for absence, because place names may be translated (Lithuania →
Lituania).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from polywire.localize.checks.base import Finding, Severity, Token, TranslationPair, whole_target
from polywire.localize.checks.lexicon import zipf
from polywire.localize.checks.vocabulary import source_names, source_vocabulary, target_misspelt

_INFLECTION = 3
_MIN_TAIL = 3
_WORD_FLOOR = 3.0
_NEAR_MISS = 0.8
_MIN_NEAR_MISS_LENGTH = 5


@dataclass(frozen=True)
class ProtectedNamesCheck:
    """Names must come through whole: not fused, not altered, and protected terms not lost."""

    name: str = "protected_names"

    def run(self, pair: TranslationPair) -> list[Finding]:
        names = source_names(pair)
        if not names:
            return []
        vocabulary = source_vocabulary(pair)
        tokens = list(pair.target_words)
        findings: list[Finding] = []
        fused_names: set[str] = set()
        rejected = target_misspelt(pair)
        for token in tokens:
            # A word the target's speller knows ("Brazilijoje", Brazil in the Lithuanian locative) is not fused.
            if rejected is not None and token.text not in rejected:
                continue
            fused = self._fused(token, names, vocabulary, pair)
            if fused is not None:
                fused_names.add(fused[0])
                findings.append(fused[1])
        for name in sorted(names - fused_names):
            if any(self._carries(token.text, name) for token in tokens):
                continue
            explicit = any(name in term for term in pair.protected_terms)
            near = self._near_miss(name, tokens, rejected, pair.source)
            if near is not None:
                findings.append(
                    Finding(
                        self.name,
                        Severity.HOLD if explicit else Severity.WARN,
                        f"the name “{name}” appears altered as “{near.text}”",
                        near.start,
                        near.end,
                    )
                )
            elif explicit:
                findings.append(
                    Finding(self.name, Severity.HOLD, f"the protected term “{name}” is missing", *whole_target(pair))
                )
        return findings

    @staticmethod
    def _carries(text: str, name: str) -> bool:
        """Whether a target word is the name, inflected, or a hyphenated compound with it."""
        for part in text.replace("’", "-").replace("'", "-").split("-"):
            if part.startswith(name) and len(part) - len(name) <= _INFLECTION:
                return True
        return False

    def _fused(
        self, token: Token, names: frozenset[str], vocabulary: frozenset[str], pair: TranslationPair
    ) -> tuple[str, Finding] | None:
        text = token.text
        for name in names:
            if not text.startswith(name) or len(text) - len(name) < _MIN_TAIL:
                continue
            rest = text[len(name) :]
            if rest[0] in "-'’":
                continue
            for inflection in range(_INFLECTION + 1):
                tail = rest[inflection:]
                if len(tail) < _MIN_TAIL:
                    break
                folded = tail.casefold()
                if zipf(folded, pair.target_primary) >= _WORD_FLOOR or (
                    folded in vocabulary and zipf(folded, pair.source_primary) >= _WORD_FLOOR
                ):
                    return name, Finding(
                        self.name,
                        Severity.HOLD,
                        f"the name “{name}” is fused with the next word in “{text}” (“{tail}”)",
                        token.start,
                        token.end,
                    )
        return None

    @staticmethod
    def _near_miss(name: str, tokens: list[Token], rejected: frozenset[str] | None, source: str) -> Token | None:
        if len(name) < _MIN_NEAR_MISS_LENGTH:
            return None
        best: Token | None = None
        best_ratio = _NEAR_MISS
        for token in tokens:
            if not token.text[:1].isupper() or (rejected is not None and token.text not in rejected):
                continue
            # A word of the source itself, or a shortening of the name ("Malaysia" for "Malaysian"), is not an
            # alteration of it.
            if token.text in source or name.startswith(token.text):
                continue
            ratio = SequenceMatcher(None, name, token.text[: len(name) + _INFLECTION]).ratio()
            if ratio >= best_ratio:
                best, best_ratio = token, ratio
        return best


check = ProtectedNamesCheck()
