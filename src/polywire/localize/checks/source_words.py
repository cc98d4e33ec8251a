"""Check ``source_words``: source-language words left in the translation, alone or glued into a longer word.

"Reichweitecloser" is German "Reichweite" with the English "closer" glued on: an engine that did not know
"closer" kept it and the compounder joined it to its neighbour. A target word is suspect when the target's
speller rejects it (or, with no speller, the target word list has not seen it). It is a left-over source word
when the source uses it as an ordinary lowercase word, it is common in the source language (wordfreq Zipf ≥ 3)
and clearly more common there than in the target language; it is a glued one when it splits into a target word
and such a source word. Names never count: the source writes them capitalised. Loanwords the target dictionary
knows ("Software", "online") pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from polywire.localize.checks.base import Finding, Severity, Token, TranslationPair
from polywire.localize.checks.lexicon import zipf
from polywire.localize.checks.vocabulary import is_target_word, source_vocabulary, target_misspelt

_COMMON_IN_SOURCE = 2.5
# How much more common (in Zipf units, i.e. powers of ten) the word must be in the source language.
_MARGIN = 1.0
_MIN_PART = 4
_MIN_TARGET_PART = 3
_MIN_GLUED = 7
_CJK_TARGETS = {"zh", "ja", "ko"}


@dataclass(frozen=True)
class SourceWordsCheck:
    """Untranslated source words, whole or glued to target words."""

    name: str = "source_words"

    def run(self, pair: TranslationPair) -> list[Finding]:
        if pair.source_primary == pair.target_primary:
            return []
        vocabulary = source_vocabulary(pair)
        rejected = target_misspelt(pair)
        shielded = _protected_spans(pair)
        findings: list[Finding] = []
        for token in pair.target_words:
            # A word inside a protected term ("Energy" in "Siemens Energy") was kept on purpose.
            if any(start <= token.start and token.end <= end for start, end in shielded):
                continue
            finding = self._left_over(token, pair, vocabulary, rejected)
            if finding is None and len(token.text) >= _MIN_GLUED:
                finding = self._glued(token, pair, vocabulary, rejected)
            if finding is not None:
                findings.append(finding)
        return findings

    def _is_source_word(self, word: str, pair: TranslationPair, vocabulary: frozenset[str]) -> bool:
        folded = word.casefold()
        if folded not in vocabulary:
            return False
        source_zipf = zipf(folded, pair.source_primary)
        return source_zipf >= _COMMON_IN_SOURCE and source_zipf - zipf(folded, pair.target_primary) >= _MARGIN

    def _left_over(
        self, token: Token, pair: TranslationPair, vocabulary: frozenset[str], rejected: frozenset[str] | None
    ) -> Finding | None:
        text = token.text
        if len(text) < 3 or not self._is_source_word(text, pair, vocabulary):
            return None
        if pair.target_primary in _CJK_TARGETS:
            # In Chinese any Latin word is foreign; a capitalised one is a name or brand, a lowercase one is not.
            if not text[:1].islower():
                return None
        elif is_target_word(text, pair, rejected):
            return None
        severity = Severity.HOLD if len(text) >= 4 else Severity.WARN
        return Finding(
            self.name, severity, f"“{text}” is a {pair.source_primary} word left untranslated", token.start, token.end
        )

    def _glued(
        self, token: Token, pair: TranslationPair, vocabulary: frozenset[str], rejected: frozenset[str] | None
    ) -> Finding | None:
        text = token.text
        if pair.target_primary in _CJK_TARGETS or is_target_word(text, pair, rejected, floor=1.0):
            return None
        for cut in range(_MIN_TARGET_PART, len(text) - _MIN_TARGET_PART + 1):
            left, right = text[:cut], text[cut:]
            if (
                len(right) >= _MIN_PART
                and self._is_source_word(right, pair, vocabulary)
                and self._target_part(left, pair)
            ):
                return self._glued_finding(token, left, right, right, pair)
            if (
                len(left) >= _MIN_PART
                and self._is_source_word(left, pair, vocabulary)
                and self._target_part(right, pair)
            ):
                return self._glued_finding(token, left, right, left, pair)
        return None

    @staticmethod
    def _target_part(part: str, pair: TranslationPair) -> bool:
        # German compounds link with -s- ("Arbeitsplatz"), so "Reichweites…" still counts as "Reichweite".
        return zipf(part, pair.target_primary) >= 2.5 or (
            part.endswith("s") and zipf(part[:-1], pair.target_primary) >= 2.5
        )

    def _glued_finding(self, token: Token, left: str, right: str, foreign: str, pair: TranslationPair) -> Finding:
        return Finding(
            self.name,
            Severity.HOLD,
            f"“{token.text}” glues the {pair.source_primary} word “{foreign}” into a {pair.target_primary} word "
            f"(“{left}” + “{right}”)",
            token.start,
            token.end,
        )


def _protected_spans(pair: TranslationPair) -> list[tuple[int, int]]:
    """Where the protected terms stand in the target, every occurrence."""
    spans = []
    for term in pair.protected_terms:
        if not term:
            continue
        start = pair.target.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = pair.target.find(term, start + len(term))
    return spans


check = SourceWordsCheck()
