"""Check ``wrong_language``: sentences of the translation written in another language than the target.

Engines fall back into the source language on sentences they cannot parse, and pivot engines leak their middle
language (en→es→pt leaves Spanish in Portuguese). Each target sentence is identified with lingua among the
likely languages, after removing the words it shares verbatim with the source's names and its numbers, which
say nothing about the language. Malay and Indonesian count as one class. A long sentence confidently in another
language holds; a short one (three to five words) only warns, because identification on a few words is
guesswork; fewer words are not judged, and neither is a sentence whose words the target's speller nearly all
accepts (at most one rejected, or under a fifth): lingua reads short Catalan sentences as French, and it is the
gate's slowest step.

A translation made through a pivot language (en→es→pt, en→es→fr; `TranslationPair.pivot_languages`) also
leaks single words of the pivot ("introductorios", "hígado", "Múnich" in Portuguese or French) that no
sentence-level guess sees. They are treated like source words left in: a target word (without an elided article,
"d'Huelva") holds when the target's speller rejects it and the target's word list barely knows it (Zipf < 3, and
less than the pivot's), while the pivot language knows it (its speller accepts it, or its Zipf is ≥ 2.5). Words
the source has verbatim, protected terms, names kept whole and older spellings of the target's own words
(Portuguese "accionistas") are not judged; without a speller for the target nothing is guessed. Pivot words the
target's speller happens to accept ("envase" is a French verb form) pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from polywire.localize.checks.base import Finding, Severity, TranslationPair, quote
from polywire.localize.checks.langid import identify, language_class
from polywire.localize.checks.lexicon import dictionary_for, misspelt, zipf
from polywire.localize.checks.vocabulary import inside, kept_name_spans, older_spellings, target_misspelt

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_MIN_WORDS = 3
_LONG_WORDS = 6
_CJK_LANGUAGES = {"zh", "ja", "ko"}
# A pivot word: the target's list has it below this (and below the pivot's), the pivot's at or above the other.
_RARE_IN_TARGET = 3.0
_KNOWN_IN_PIVOT = 2.5
_MIN_PIVOT_WORD = 4
# A sentence whose words the target's speller rejects less often than this is the target's language.
_FOREIGN_SHARE = 0.2


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
            if expected not in _CJK_LANGUAGES and self._mostly_spelt_in_target(content, pair):
                # The target's speller knows (nearly) every word: a sentence in another language has many words it
                # rejects. Asking lingua would only risk misreading a short sentence of shared words ("La
                # conferència inaugural començarà a les 9.00" as French), and costs most of the gate's time.
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
        findings.extend(self._pivot_words(pair))
        return findings

    @staticmethod
    def _mostly_spelt_in_target(content: list[str], pair: TranslationPair) -> bool:
        """Whether the target's speller rejects at most one word of a sentence, and under a fifth of them (False
        without a speller)."""
        rejected = target_misspelt(pair)
        if rejected is None:
            return False
        unknown = sum(1 for word in content if word in rejected)
        return unknown <= 1 or unknown < _FOREIGN_SHARE * len(content)

    def _pivot_words(self, pair: TranslationPair) -> list[Finding]:
        """Words of the pivot language(s) left in a translation made through them."""
        if not pair.pivot_languages or target_misspelt(pair) is None:
            return []
        in_source = {t.text for t in pair.source_words}
        kept = kept_name_spans(pair)
        # The word itself, without an elided article or preposition of the target ("d'Huelva", "l'oeuvre").
        stems = {
            token: _ELISION.sub("", token.text)
            for token in pair.target_words
            if not inside(token.start, token.end, kept)
        }
        stems = {
            token: word
            for token, word in stems.items()
            if len(word) >= _MIN_PIVOT_WORD
            and word not in in_source
            and token.text not in in_source
            and zipf(word, pair.target_primary) < _RARE_IN_TARGET
        }
        rejected = misspelt(pair.target_lang, frozenset(stems.values())) or frozenset()
        candidates = _without_spelling_variants([w for w in stems.values() if w in rejected], pair)
        findings: list[Finding] = []
        reported: set[int] = set()
        chain = "→".join((pair.source_primary, *pair.pivot_languages, pair.target_primary))
        for pivot in pair.pivot_languages:
            pivot_rejects = misspelt(pivot, frozenset(candidates)) if dictionary_for(pivot) is not None else None
            for token, word in stems.items():
                if token.start in reported or word not in candidates:
                    continue
                target_zipf = zipf(word, pair.target_primary)
                pivot_zipf = zipf(word, pivot)
                known = pivot_zipf >= _KNOWN_IN_PIVOT or (pivot_rejects is not None and word not in pivot_rejects)
                if not known or (target_zipf and pivot_zipf <= target_zipf):
                    continue
                reported.add(token.start)
                findings.append(
                    Finding(
                        self.name,
                        Severity.HOLD,
                        f"“{word}” is a {pivot} word left by the pivot translation ({chain})",
                        token.end - len(word),
                        token.end,
                    )
                )
        return sorted(findings, key=lambda f: f.start)

    def _finding(self, text: str, start: int, end: int, what: str, severity: Severity) -> Finding:
        return Finding(
            self.name, severity, f"“{quote(text)}” reads as {what} sentence, not the target language", start, end
        )


# An elided article or preposition before a word: French, Catalan and Italian "l'", "d'", "qu'", "dell'".
_ELISION = re.compile(r"^[^\W\d_]{1,4}['’](?=[^\W\d_])")


def _without_spelling_variants(candidates: list[str], pair: TranslationPair) -> list[str]:
    """The candidates, less the target's own older spellings (pre-1990 Portuguese) that its speller rejects."""
    older = older_spellings(pair, frozenset(candidates))
    return [word for word in candidates if word not in older]


check = WrongLanguageCheck()
