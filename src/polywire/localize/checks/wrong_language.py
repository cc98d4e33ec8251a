"""Check ``wrong_language``: sentences of the translation written in another language than the target.

Engines fall back into the source language on sentences they cannot parse, and pivot engines leak their middle
language (en→es→pt leaves Spanish in Portuguese). Each target sentence is identified with lingua among the
likely languages, after removing the words it shares verbatim with the source's names and its numbers, which
say nothing about the language. Malay and Indonesian count as one class. A long sentence confidently in another
language holds; a short one (three to five words) only warns, because identification on a few words is
guesswork; fewer words are not judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from polywire.localize.checks.base import Finding, Severity, TranslationPair, quote
from polywire.localize.checks.langid import identify, language_class

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_MIN_WORDS = 3
_LONG_WORDS = 6
_CJK_LANGUAGES = {"zh", "ja", "ko"}


@dataclass(frozen=True)
class WrongLanguageCheck:
    """Sentence-by-sentence language identification."""

    name: str = "wrong_language"

    def run(self, pair: TranslationPair) -> list[Finding]:
        expected = language_class(pair.target_primary)
        names = {t.text for t in pair.source_words if t.text[:1].isupper()}
        extra = frozenset({pair.source_primary, pair.target_primary})
        findings: list[Finding] = []
        for sentence in pair.target_sentences:
            content = [t.text for t in pair.sentence_words(sentence) if t.text not in names]
            size = len(content)
            if expected in _CJK_LANGUAGES:
                # Chinese has no spaces: count characters, and treat a sentence without any CJK as foreign.
                cjk = len(_CJK.findall(sentence.text))
                if cjk >= 4:
                    size = max(size, cjk // 2)
                elif size >= _MIN_WORDS:
                    findings.append(
                        self._finding(
                            sentence.text,
                            sentence.start,
                            sentence.end,
                            "a Latin-script",
                            Severity.HOLD if size >= _LONG_WORDS else Severity.WARN,
                        )
                    )
                    continue
            if size < _MIN_WORDS:
                continue
            guess = identify(
                " ".join(content) if expected not in _CJK_LANGUAGES else sentence.text, pair.target_primary, extra
            )
            if guess.language == expected:
                continue
            if size >= _LONG_WORDS and guess.confidence >= 0.5 and guess.expected_confidence < 0.2:
                severity = Severity.HOLD
            elif guess.confidence >= 0.8 and guess.expected_confidence < 0.1:
                severity = Severity.WARN
            else:
                continue
            findings.append(
                self._finding(
                    sentence.text,
                    sentence.start,
                    sentence.end,
                    f"a {guess.language} ({guess.confidence:.0%})",
                    severity,
                )
            )
        return findings

    def _finding(self, text: str, start: int, end: int, what: str, severity: Severity) -> Finding:
        return Finding(
            self.name, severity, f"“{quote(text)}” reads as {what} sentence, not the target language", start, end
        )


check = WrongLanguageCheck()
