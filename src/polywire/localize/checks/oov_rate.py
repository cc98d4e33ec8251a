"""Check ``oov_rate``: the share of translation words a spelling dictionary does not know.

A high rate means gibberish, mangled inflections or untranslated fragments. All words of the translation go to
hunspell in one batch (see ``lexicon``). Words the source has verbatim (names, brands), their inflections
("Macrono" from "Macron"), acronyms and one-letter words are not counted, since no dictionary has them. Where
hunspell has no dictionary for the target (Malay, Chinese) the check says so in an ``info`` finding instead of
guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

from polywire.localize.checks.base import Finding, Severity, Token, TranslationPair, quote
from polywire.localize.checks.lexicon import dictionary_for, misspelt
from polywire.localize.segment import is_abbreviation

_MIN_WORDS = 5
# Edited prose has almost no unknown words once names and abbreviations are set aside (none in the development
# half of the labelled set): three or more, at one word in twenty, is no longer prose.
_HOLD_RATE = 0.05
_HOLD_COUNT = 3
_WARN_RATE = 0.05
_WARN_COUNT = 2
# A name from the source followed by at most this many letters is an inflection of it ("Macrono", "Leipzigo").
_INFLECTION = 3


def countable_words(pair: TranslationPair) -> list[Token]:
    """Target words a dictionary can be expected to know: not source names, acronyms or single letters."""
    source_words = {t.text.casefold() for t in pair.source_words}
    names = {t.text for t in pair.source_words if t.text[:1].isupper() and len(t.text) >= 3}
    counted = []
    language = pair.target_primary
    sentence_starts = {s.start for s in pair.target_sentences}
    for token in pair.target_words:
        text = token.text
        if len(text) < 2 or text.isupper() or text.casefold() in source_words:
            continue
        if pair.target.startswith(".", token.end) and is_abbreviation(text, language):
            continue
        # Outside German, which capitalises nouns, a capitalised word inside a sentence is a name, and a
        # transliterated name ("Kvala Lumpūras") is in no dictionary.
        if language != "de" and text[:1].isupper() and token.start not in sentence_starts:
            continue
        if any(text.startswith(name) and len(text) - len(name) <= _INFLECTION for name in names):
            continue
        counted.append(token)
    return counted


@dataclass(frozen=True)
class OovRateCheck:
    """Out-of-vocabulary rate against the target's hunspell dictionary."""

    name: str = "oov_rate"

    def run(self, pair: TranslationPair) -> list[Finding]:
        if dictionary_for(pair.target_lang) is None:
            return [
                Finding(
                    self.name,
                    Severity.INFO,
                    f"no hunspell dictionary for {pair.target_lang} on this machine: vocabulary not checked",
                    0,
                    0,
                )
            ]
        counted = countable_words(pair)
        if len(counted) < _MIN_WORDS:
            return []
        rejected = misspelt(pair.target_lang, frozenset(t.text for t in counted)) or frozenset()
        unknown = [t for t in counted if t.text in rejected]
        rate = len(unknown) / len(counted)
        if rate >= _HOLD_RATE and len(unknown) >= _HOLD_COUNT:
            severity = Severity.HOLD
        elif rate >= _WARN_RATE and len(unknown) >= _WARN_COUNT:
            severity = Severity.WARN
        else:
            return []
        listed = ", ".join(dict.fromkeys(t.text for t in unknown))
        return [
            Finding(
                self.name,
                severity,
                f"{len(unknown)} of {len(counted)} words ({rate:.0%}) are not in the {pair.target_lang} dictionary: "
                f"{quote(listed, 120)}",
                unknown[0].start,
                unknown[-1].end,
            )
        ]


check = OovRateCheck()
