"""Check ``unknown_marks``: words an engine marked as unknown (``*word``, ``#word``, ``@word``) or reported.

Apertium prefixes a word it could not translate with ``*``, one it could not generate with ``#`` and a transfer
failure with ``@``; left in the text they reach readers verbatim, also after a unit ("km/h" → "m/*h"). A mark
that the source itself has (a hashtag, an @handle) is not an engine mark, and neither is anything inside a URL or
an e-mail address.

Spans the engine reported as unknown are passed on as warnings, except where the engine's doubt is no defect: a
name it did not know, kept as the source writes it (capitalised and verbatim in the source: "Okonjo", "HALV",
"Atacama"), and a lowercase word the target's speller accepts (Catalan "milió"). Those are only noted, so that the
strict preset does not hold every release that names a person. A word that the target's speller rejects and the
source does not have holds: the engine made it, and it is no word of the target language (a Spanish word
left by the es→fr step of a pivot, "plegar", "Linterna", or a glued one, "directornoejecutivo").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from polywire.localize.checks.base import LINK, Finding, Severity, TranslationPair, quote, words
from polywire.localize.checks.lexicon import dictionary_for, misspelt

# A mark at the start of a word: not inside another token ("a*b", "x@y"); links are set aside separately.
_MARKED = re.compile(r"(?<![A-Za-z_@#*.:])[*#@]([^\W\d_][\w'’\-]*)")


@dataclass(frozen=True)
class UnknownMarksCheck:
    """Engine unknown-word marks left in the text, and unknown spans the engine reported."""

    name: str = "unknown_marks"

    def run(self, pair: TranslationPair) -> list[Finding]:
        findings: list[Finding] = []
        links = [(m.start(), m.end()) for m in LINK.finditer(pair.target)]
        for match in _MARKED.finditer(pair.target):
            if match.group(0) in pair.source or any(s <= match.start() < e for s, e in links):
                continue
            findings.append(
                Finding(
                    self.name,
                    Severity.HOLD,
                    f"engine mark left in the text: “{match.group(0)}” (the engine did not know “{match.group(1)}”)",
                    match.start(),
                    match.end(),
                )
            )
        spans = [(start, end) for start, end in pair.unknown_spans if 0 <= start < end <= len(pair.target)]
        accepted = self._accepted(pair, spans)
        checked = self._checked(pair, spans)
        for start, end in spans:
            text = pair.target[start:end]
            harmless = self._kept_name(text, pair) or (text[:1].islower() and text in accepted)
            if text not in accepted and text in checked and not self._in_source(text, pair):
                findings.append(
                    Finding(
                        self.name,
                        Severity.HOLD,
                        f"the engine reported “{quote(text)}” as unknown, and it is neither a "
                        f"{pair.target_primary} word nor in the source: a word of the language it translated through, "
                        "or a garbled one",
                        start,
                        end,
                    )
                )
                continue
            findings.append(
                Finding(
                    self.name,
                    Severity.INFO if harmless else Severity.WARN,
                    f"the engine reported “{quote(text)}” as unknown"
                    + (" (a name kept as in the source)" if self._kept_name(text, pair) else "")
                    + (" (a word of the target language)" if harmless and text[:1].islower() else ""),
                    start,
                    end,
                )
            )
        return findings

    @staticmethod
    def _kept_name(text: str, pair: TranslationPair) -> bool:
        """A capitalised span the source has verbatim, as a whole word: a name the engine did not know."""
        return text[:1].isupper() and re.search(rf"(?<!\w){re.escape(text)}(?!\w)", pair.source) is not None

    @staticmethod
    def _in_source(text: str, pair: TranslationPair) -> bool:
        """Whether the span is the source's: as a whole, or hyphened from a source word and a target word
        ("Eindhoven-proveedor" in Spanish, which protected_names judges; not in Portuguese, where "proveedor" is
        Spanish)."""
        if any(re.search(rf"(?<!\w){re.escape(w.text)}(?!\w)", pair.source, re.IGNORECASE) for w in words(text)):
            return True
        pieces = [piece for w in words(text) if "-" in w.text for piece in w.text.split("-") if piece]
        if not pieces:
            return False
        foreign = [p for p in pieces if not re.search(rf"(?<!\w){re.escape(p)}(?!\w)", pair.source, re.IGNORECASE)]
        rejected = misspelt(pair.target_lang, frozenset(foreign)) or frozenset()
        return len(foreign) < len(pieces) and not any(p in rejected for p in foreign)

    @staticmethod
    def _checked(pair: TranslationPair, spans: list[tuple[int, int]]) -> frozenset[str]:
        """The reported spans the target's speller could judge (there is one for the language)."""
        if dictionary_for(pair.target_lang) is None:
            return frozenset()
        return frozenset(pair.target[s:e] for s, e in spans)

    @staticmethod
    def _accepted(pair: TranslationPair, spans: list[tuple[int, int]]) -> frozenset[str]:
        """The reported spans whose every word the target's speller accepts."""
        reported = {pair.target[s:e] for s, e in spans}
        parts = {w.text for text in reported for w in words(text)}
        rejected = misspelt(pair.target_lang, frozenset(parts)) if parts else frozenset()
        if rejected is None:
            return frozenset()
        return frozenset(text for text in reported if words(text) and not any(w.text in rejected for w in words(text)))


check = UnknownMarksCheck()
