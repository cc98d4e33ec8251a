"""Check ``sentence_alignment``: sentences the translation dropped or merged, found by aligning sentence lengths.

Source and target sentences are aligned paragraph by paragraph (lines must match one to one; if they do not,
the whole text is one paragraph) with a small dynamic programme in the manner of Gale and Church: a source
sentence maps to one target sentence, to none (dropped), or two source sentences map to one target sentence
(merged), or one to two (split), each move costing its length mismatch against the ratio expected for the
pair of languages plus a fixed penalty. Fewer target than source sentences always means content was dropped or
merged and holds; a split (more target sentences) is a translator's right and is only noted. A one-to-one pair
where the target is under a third of its expected length warns: half a sentence is missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from polywire.localize.checks.base import Finding, Severity, TranslationPair, quote
from polywire.localize.checks.truncation import expected_ratio, visible_length
from polywire.localize.segment import Sentence

_PENALTY = {(1, 1): 0.0, (1, 0): 4.0, (0, 1): 4.0, (2, 1): 2.5, (1, 2): 2.5}
_SHORT_SHARE = 0.33
_MIN_SENTENCE = 25


@dataclass(frozen=True, slots=True)
class _Link:
    source: tuple[Sentence, ...]
    target: tuple[Sentence, ...]


def align(source: list[Sentence], target: list[Sentence], ratio: float) -> list[_Link]:
    """Align sentences by length: the cheapest sequence of 1-1, 1-0, 0-1, 2-1 and 1-2 links."""
    s_len = [visible_length(s.text) * ratio for s in source]
    t_len = [visible_length(t.text) for t in target]
    inf = math.inf
    cost = [[inf] * (len(target) + 1) for _ in range(len(source) + 1)]
    back: dict[tuple[int, int], tuple[int, int]] = {}
    cost[0][0] = 0.0
    for i in range(len(source) + 1):
        for j in range(len(target) + 1):
            if cost[i][j] == inf:
                continue
            for (di, dj), penalty in _PENALTY.items():
                ni, nj = i + di, j + dj
                if ni > len(source) or nj > len(target):
                    continue
                a = sum(s_len[i:ni])
                b = sum(t_len[j:nj])
                # A dropped or inserted sentence costs its penalty only: its length is the very evidence that
                # it is missing, and charging it again would make a merge look cheaper than a plain drop.
                mismatch = abs(a - b) / math.sqrt(max(a, b, 1.0)) if di and dj else 0.0
                total = cost[i][j] + mismatch + penalty
                if total < cost[ni][nj]:
                    cost[ni][nj] = total
                    back[(ni, nj)] = (i, j)
    links: list[_Link] = []
    position = (len(source), len(target))
    while position != (0, 0):
        i, j = back[position]
        links.append(_Link(tuple(source[i : position[0]]), tuple(target[j : position[1]])))
        position = (i, j)
    return links[::-1]


def _groups(sentences: tuple[Sentence, ...]) -> dict[int, list[Sentence]]:
    grouped: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        grouped.setdefault(sentence.paragraph, []).append(sentence)
    return grouped


@dataclass(frozen=True)
class SentenceAlignmentCheck:
    """Dropped, merged or badly shortened sentences."""

    name: str = "sentence_alignment"

    def run(self, pair: TranslationPair) -> list[Finding]:
        if not pair.target_sentences or not pair.source_sentences:
            return []
        ratio = expected_ratio(pair.source_primary, pair.target_primary)
        source_paragraphs = _groups(pair.source_sentences)
        target_paragraphs = _groups(pair.target_sentences)
        if len(source_paragraphs) == len(target_paragraphs):
            blocks = list(zip(source_paragraphs.values(), target_paragraphs.values(), strict=True))
        else:
            blocks = [(list(pair.source_sentences), list(pair.target_sentences))]
        findings: list[Finding] = []
        for source, target in blocks:
            # With equal counts, sentences pair up in order: the aligner would only trade two length
            # mismatches for a merge and a split that did not happen.
            if len(source) == len(target):
                links = [_Link((s,), (t,)) for s, t in zip(source, target, strict=True)]
            else:
                links = align(source, target, ratio)
            cursor = target[0].start if target else 0
            for link in links:
                finding = self._judge(link, cursor, ratio)
                if finding is not None:
                    findings.append(finding)
                if link.target:
                    cursor = link.target[-1].end
        return findings

    def _judge(self, link: _Link, cursor: int, ratio: float) -> Finding | None:
        n_source, n_target = len(link.source), len(link.target)
        if n_target == 0:
            # Point at the place the sentence should have been: just after the previous target sentence.
            return Finding(
                self.name,
                Severity.HOLD,
                f"the source sentence “{quote(link.source[0].text)}” has no translation",
                cursor,
                cursor,
            )
        target = link.target[0]
        if n_source == 2 and n_target == 1:
            return Finding(
                self.name,
                Severity.HOLD,
                f"two source sentences are merged into “{quote(target.text)}”",
                target.start,
                target.end,
            )
        if n_source == 0:
            return Finding(
                self.name,
                Severity.WARN,
                f"“{quote(target.text)}” has no counterpart in the source",
                target.start,
                target.end,
            )
        if n_target == 2:
            return Finding(
                self.name, Severity.INFO, "a source sentence is split in two", target.start, link.target[-1].end
            )
        expected = visible_length(link.source[0].text) * ratio
        if expected >= _MIN_SENTENCE and visible_length(target.text) < expected * _SHORT_SHARE:
            return Finding(
                self.name,
                Severity.WARN,
                f"“{quote(target.text)}” is much shorter than its source sentence",
                target.start,
                target.end,
            )
        return None


check = SentenceAlignmentCheck()
