"""Check ``repetition``: a phrase repeated three or more times in a row, the loop neural engines fall into.

The text is read as tokens (words, numbers, and single CJK characters, since Chinese has no spaces); for every
phrase length from one to eight tokens the check looks for runs of the same phrase. Single short tokens are
left alone (a list like "1, 1, 1" or a stammer in a quote is not a loop), and a CJK phrase must be at least two
characters so that "哈哈哈" is not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from polywire.localize.checks.base import Finding, Severity, TranslationPair, quote

# One CJK character, or a run of other letters and digits (which must not swallow the CJK after "7").
_CJK_RANGE = "\u3400-\u9fff\uf900-\ufaff"
_OTHER = rf"(?:(?![{_CJK_RANGE}])[^\W_])"
_TOKEN = re.compile(rf"[{_CJK_RANGE}]|{_OTHER}+(?:['’\-\u00b7\u2027]{_OTHER}+)*")
_MAX_PHRASE = 8
_MIN_REPEATS = 3


def _is_cjk(token: str) -> bool:
    return len(token) == 1 and "\u3400" <= token <= "\ufaff"


@dataclass(frozen=True)
class RepetitionCheck:
    """Consecutive repeats of one phrase."""

    name: str = "repetition"

    def run(self, pair: TranslationPair) -> list[Finding]:
        matches = list(_TOKEN.finditer(pair.target))
        tokens = [m.group(0).casefold() for m in matches]
        findings: list[Finding] = []
        i = 0
        while i < len(tokens):
            found = False
            for size in range(1, _MAX_PHRASE + 1):
                if i + size > len(tokens):
                    break
                phrase = tokens[i : i + size]
                # Whether the phrase repeats at all is cheaper to ask first, and most phrases do not.
                if tokens[i + size : i + 2 * size] != phrase or not self._worth_counting(phrase):
                    continue
                repeats = 1
                while tokens[i + repeats * size : i + (repeats + 1) * size] == phrase:
                    repeats += 1
                if repeats >= _MIN_REPEATS:
                    start = matches[i].start()
                    end = matches[i + repeats * size - 1].end()
                    findings.append(
                        Finding(
                            self.name,
                            Severity.HOLD,
                            f"“{quote(' '.join(phrase) if not _is_cjk(phrase[0]) else ''.join(phrase))}” "
                            f"is repeated {repeats} times in a row",
                            start,
                            end,
                        )
                    )
                    i += repeats * size
                    found = True
                    break
            if not found:
                i += 1
        return findings

    @staticmethod
    def _worth_counting(phrase: list[str]) -> bool:
        if len(phrase) == 1:
            # One repeated word is a loop only if it is a real word, not a digit or a letter.
            return len(phrase[0]) >= 3 and not phrase[0].isdigit()
        if all(_is_cjk(t) for t in phrase):
            return len(phrase) >= 2
        return True


check = RepetitionCheck()
