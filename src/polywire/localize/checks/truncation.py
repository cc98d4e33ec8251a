"""Check ``truncation``: an empty translation, one much shorter than its source, or one that stops mid-sentence.

Engines that time out or hit a length limit return the first part of the text and no error. The length test
compares non-space characters against the ratio expected for the target writing system (Chinese needs about a
third of the characters English does); the ending test fires when the source ends a sentence and the
translation does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from polywire.localize.checks.base import Finding, Severity, TranslationPair, quote, whole_target

# Characters of the target per character of an English-like source. Alphabetic languages run close to 1.
EXPECTED_LENGTH_RATIO = {"zh": 0.32, "ja": 0.42, "ko": 0.5}
_TERMINAL = ".!?。！？…"
_CLOSERS = "\"'”’»)]」』）"
# Below these shares of the expected length a translation has lost content, not merely been concise.
_HOLD_SHARE = 0.5
_WARN_SHARE = 0.7
_MIN_SOURCE_CHARS = 20


def expected_ratio(source_primary: str, target_primary: str) -> float:
    """How many target characters one source character becomes, roughly, for this pair of languages."""
    return EXPECTED_LENGTH_RATIO.get(target_primary, 1.0) / EXPECTED_LENGTH_RATIO.get(source_primary, 1.0)


# A source ending in a 12-hour time whose abbreviation carries the full stop ("at 10:30 a.m."), and a translation
# ending in the same time written the target's way ("10:30", "10h30", "10.30 h").
_CLOCK_END = re.compile(r"\d\s?[ap]\.m\.$", re.IGNORECASE)
_TIME_END = re.compile(r"\d{1,2}(?:[:.h]\d{2})?(?:\s?h)?$")


def visible_length(text: str) -> int:
    """Characters other than whitespace."""
    return sum(1 for ch in text if not ch.isspace())


def ends_sentence(text: str) -> bool:
    """Whether the text ends with terminal punctuation, possibly inside closing quotes or brackets."""
    stripped = text.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


@dataclass(frozen=True)
class TruncationCheck:
    """Empty, much too short, or cut off before the end of a sentence."""

    name: str = "truncation"

    def run(self, pair: TranslationPair) -> list[Finding]:
        source_length = visible_length(pair.source)
        if source_length == 0:
            return []
        if not pair.target.strip():
            return [Finding(self.name, Severity.HOLD, "the translation is empty", *whole_target(pair))]
        findings: list[Finding] = []
        if source_length >= _MIN_SOURCE_CHARS:
            share = visible_length(pair.target) / (
                source_length * expected_ratio(pair.source_primary, pair.target_primary)
            )
            if share < _WARN_SHARE:
                severity = Severity.HOLD if share < _HOLD_SHARE else Severity.WARN
                findings.append(
                    Finding(
                        self.name,
                        severity,
                        f"the translation has {share:.0%} of the length expected from the source",
                        *whole_target(pair),
                    )
                )
        if ends_sentence(pair.source) and not ends_sentence(pair.target):
            tail = pair.target.rstrip()
            start = max(0, len(tail) - 30)
            # "… at 10:30 a.m." written "… a las 10:30": the abbreviation's point was the full stop, and the time
            # that replaced it is the sentence's real end. Only the full stop is missing.
            clock = _CLOCK_END.search(pair.source.rstrip()) is not None and _TIME_END.search(tail) is not None
            ending = quote(tail[start:])
            message = (
                f"the last sentence lost its full stop with the source's “a.m.”/“p.m.”: “…{ending}”"
                if clock
                else f"the translation stops mid-sentence: “…{ending}” has no closing punctuation"
            )
            findings.append(Finding(self.name, Severity.WARN if clock else Severity.HOLD, message, start, len(tail)))
        return findings


check = TruncationCheck()
