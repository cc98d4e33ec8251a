"""Check ``unknown_marks``: words an engine marked as unknown (``*word``, ``#word``, ``@word``) or reported.

Apertium prefixes a word it could not translate with ``*``, one it could not generate with ``#`` and a transfer
failure with ``@``; left in the text they reach readers verbatim. A mark that the source itself has (a hashtag,
an @handle) is not an engine mark. Spans the engine reported as unknown are passed on as warnings: engines
often do not know names, which are correct untranslated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from polywire.localize.checks.base import Finding, Severity, TranslationPair, quote

# A mark at the start of a word: not inside an e-mail address, a URL or another token.
_MARKED = re.compile(r"(?<![A-Za-z_@#*/.:])[*#@]([^\W\d_][\w'’\-]*)")


@dataclass(frozen=True)
class UnknownMarksCheck:
    """Engine unknown-word marks left in the text, and unknown spans the engine reported."""

    name: str = "unknown_marks"

    def run(self, pair: TranslationPair) -> list[Finding]:
        findings: list[Finding] = []
        for match in _MARKED.finditer(pair.target):
            if match.group(0) in pair.source:
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
        for start, end in pair.unknown_spans:
            if 0 <= start < end <= len(pair.target):
                findings.append(
                    Finding(
                        self.name,
                        Severity.WARN,
                        f"the engine reported “{quote(pair.target[start:end])}” as unknown",
                        start,
                        end,
                    )
                )
        return findings


check = UnknownMarksCheck()
