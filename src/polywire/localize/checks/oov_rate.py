"""Check ``oov_rate``: the share of translation words a spelling dictionary does not know.

A high rate means gibberish, mangled inflections or untranslated fragments. All words of the translation go to
hunspell in one batch (see ``lexicon``). Words the source has verbatim (names, brands), their inflections
("Macrono" from "Macron"), acronyms and one-letter words are not counted, since no dictionary has them, and
neither are older spellings of words the dictionary knows (Portuguese before 1990: "accionistas", "européia"). Where
hunspell has no dictionary for the target (Malay, Chinese) the check says so in an ``info`` finding instead of
guessing.

A rate lets a single glued word through, and engines glue: "pèrduadequart" (pèrdua + de + quart),
"lahistoriade", "basadoenBerlín-arriba". So a word the speller rejects also holds on its own when it splits into
two or three words of the target (or pivot) language, each common (wordfreq Zipf ≥ 3, at least two letters, one
of four or more), when a lowercase run of three or more letters runs straight into a capital ("basadoenBerlín"), or
when it ends in a function word and a common word after a stem no list knows ("guiajedeaño": the engine garbled
"guidance" and glued "de año" to it).
Languages that write compounds closed (German, Dutch, the Nordic languages, Finnish, Hungarian, Estonian…) are
left to the rate: there a long unknown word made of known words is usually a legitimate compound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from polywire.localize.checks.base import Finding, Severity, Token, TranslationPair, quote
from polywire.localize.checks.lexicon import currency_words, dictionary_for, misspelt, zipf
from polywire.localize.checks.vocabulary import older_spellings
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
# Languages that write compounds as one word ("Reichweitenrechner"), and scripts without spaces between words.
_CLOSED_COMPOUNDS = frozenset(
    {"de", "nl", "sv", "da", "no", "nb", "nn", "fi", "hu", "et", "is", "fo", "af", "lb", "fy"}
    | {"zh", "ja", "ko", "th", "lo", "km", "my"}
)
_MIN_GLUED = 5
# A particle elided before a name: "d'Aktaou", "l'Almaty".
_ELIDED_NAME = re.compile(r"^[^\W\d_]{1,4}['’][^\W\d_a-z]")
_MIN_BORROWED = 4
# Prefixes the Romance languages join to any word: "subdistritos", "multimodal", "interurbà".
_PREFIXES = frozenset(
    """
    sub pre pos post re co anti inter intra multi micro macro mini super hiper ultra extra auto bio eco semi bi tri
    tele vice contra sobre
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Parts of a glued word: words of four letters or more at Zipf ≥ 3, shorter ones only if they are as common as
# function words ("de", "la", "en", "dos"), so that prefixes and syllables ("re", "co", "tem") do not count.
_PART_ZIPF = 3.0
_SHORT_PART_ZIPF = 4.5
_MIN_PART = 2
_MIN_LONG_PART = 4
_FOREIGN_MARGIN = 0.5
# A function word joining a garbled stem to a word: as common as "de", "en", "que" (Zipf ≥ 5.5).
_LINK_ZIPF = 5.5
_MIN_TAIL = 3
_FIGURE_START = re.compile(r"\d[\d.,]*")
_GLUED_LINK_END = re.compile(r"(?P<head>[^\W\d_]{3,}?)(?P<link>de|del|da|do|di|du|des|of)")
# Lowercase letters straight into a capital: "basadoenBerlín" (not "iPhone", "eBay": three letters at least).
_MIN_BEFORE_CAPITAL = 3


def countable_words(pair: TranslationPair) -> list[Token]:
    """Target words a dictionary can be expected to know: not source names, acronyms or single letters."""
    source_words = {t.text.casefold() for t in pair.source_words}
    names = {t.text for t in pair.source_words if t.text[:1].isupper() and len(t.text) >= 3}
    name_starts = tuple(names)
    counted = []
    language = pair.target_primary
    sentence_starts = {s.start for s in pair.target_sentences}

    # Source words by their first three letters: the inflections a target word may carry are looked up, not searched.
    stems: dict[str, list[str]] = {}
    for word in source_words:
        if len(word) >= _MIN_BORROWED:
            stems.setdefault(word[:3], []).append(word)

    def borrowed_stems(folded: str) -> list[str]:
        return stems.get(folded[:3], [])

    for token in pair.target_words:
        text = token.text
        folded = text.casefold()
        if len(text) < 2 or text.isupper() or folded in source_words:
            continue
        if pair.target.startswith(".", token.end) and is_abbreviation(text, language):
            continue
        # Outside German, which capitalises nouns, a capitalised word inside a sentence is a name, and a
        # transliterated name ("Kvala Lumpūras") is in no dictionary; so is one after an elided particle
        # ("d'Aktaou").
        elided = _ELIDED_NAME.match(text)
        if language != "de" and (text[:1].isupper() or elided) and token.start not in sentence_starts:
            continue
        # A source word the translation kept and inflected ("tenges" from "tenge"), or a currency the target's
        # CLDR names give, is borrowed, not unknown.
        if any(folded.startswith(word) and len(folded) - len(word) <= 2 for word in borrowed_stems(folded)):
            continue
        if folded in currency_words(language):
            continue
        if text.startswith(name_starts) and any(
            text.startswith(name) and len(text) - len(name) <= _INFLECTION for name in names
        ):
            continue
        counted.append(token)
    return counted


@dataclass(frozen=True)
class OovRateCheck:
    """Out-of-vocabulary rate against the target's hunspell dictionary."""

    name: str = "oov_rate"

    def run(self, pair: TranslationPair) -> list[Finding]:
        findings = self._rate(pair)
        if dictionary_for(pair.target_lang) is not None:
            findings.extend(self._glued(pair))
        return findings

    def _glued(self, pair: TranslationPair) -> list[Finding]:
        """Words the speller rejects that are two or three target words glued together."""
        if pair.target_primary in _CLOSED_COMPOUNDS:
            return []
        pieces: dict[Token, list[tuple[str, int]]] = {}
        for token in pair.target_words:
            # Hyphenated words are judged piece by piece, as the speller reads them.
            offset = 0
            for piece in token.text.split("-"):
                if len(piece) >= _MIN_GLUED and piece not in pair.source:
                    pieces.setdefault(token, []).append((piece, token.start + offset))
                offset += len(piece) + 1
        every = frozenset(piece for found in pieces.values() for piece, _ in found)
        rejected = misspelt(pair.target_lang, every) if every else frozenset()
        if not rejected:
            return []
        rejected -= older_spellings(pair, rejected)
        languages = (pair.target_primary, *pair.pivot_languages)
        names = tuple(t.text for t in pair.source_words if t.text[:1].isupper() and len(t.text) >= _INFLECTION)
        findings: list[Finding] = []
        for found in pieces.values():
            for piece, start in found:
                # A glued word is in no corpus: a rare word the speller lacks ("recompra", "temporão") is.
                if piece not in rejected or any(
                    zipf(piece, language) > 0 for language in (*languages, pair.source_primary)
                ):
                    continue
                # A name fused with the next word is protected_names' finding ("Chenqui").
                if piece.startswith(names):
                    continue
                following = pair.target[start + len(piece) : start + len(piece) + 12]
                glued_figure = _glued_to_figure(piece, following, languages)
                if glued_figure is not None:
                    findings.append(self._glued_finding(piece, glued_figure, start, pair))
                    continue
                parts = _split_glued(piece, languages)
                # A source word glued to a target word is source_words' finding ("autobuseselectric"); a prefix
                # joined to a word is a word the speller lacks, not a glue ("subdistritos").
                if (
                    parts is None
                    or parts[0].casefold() in _PREFIXES
                    or any(
                        zipf(part, pair.source_primary) > zipf(part, pair.target_primary) + _FOREIGN_MARGIN
                        for part in parts
                    )
                ):
                    continue
                findings.append(self._glued_finding(piece, parts, start, pair))
        return findings

    def _glued_finding(self, piece: str, parts: tuple[str, ...], start: int, pair: TranslationPair) -> Finding:
        return Finding(
            self.name,
            Severity.HOLD,
            f"“{piece}” is no {pair.target_primary} word: it glues " + " + ".join(f"“{part}”" for part in parts),
            start,
            start + len(piece),
        )

    def _rate(self, pair: TranslationPair) -> list[Finding]:
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
        # An older spelling of a word the dictionary knows ("accionistas", "européia") is no unknown word.
        rejected -= older_spellings(pair, rejected)
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


def _split_glued(word: str, languages: tuple[str, ...]) -> tuple[str, ...] | None:
    """The parts of a glued word ("pèrdua", "de", "quart"), or None when it is not two or three known words."""
    capital = next((i for i, ch in enumerate(word) if ch.isupper()), None)
    if capital is not None and capital >= _MIN_BEFORE_CAPITAL and word[:capital].isalpha():
        head, tail = word[:capital], word[capital:]
        return (*(_split_known(head, languages) or (head,)), tail)
    return _split_known(word, languages) or _split_on_link(word, languages)


def _glued_to_figure(word: str, following: str, languages: tuple[str, ...]) -> tuple[str, ...] | None:
    """ "catamaransde" + "92": a word and a function word run straight into the figure after them."""
    found = _GLUED_LINK_END.fullmatch(word)
    figure = _FIGURE_START.match(following)
    if found is None or figure is None or _frequency(found.group("link"), languages) < _LINK_ZIPF:
        return None
    return found.group("head"), found.group("link"), figure.group()


def _split_on_link(word: str, languages: tuple[str, ...]) -> tuple[str, ...] | None:
    """``word`` as a stem, a function word and a common word ("guiaje" + "de" + "año"): the engine glued a phrase
    whose first word it had itself garbled, so the stem is in no word list."""
    for end in range(len(word) - _MIN_PART, _MIN_LONG_PART - 1, -1):
        for length in (3, 2):
            link_start = end - length
            if link_start < _MIN_LONG_PART:
                continue
            head, link, tail = word[:link_start], word[link_start:end], word[end:]
            if _frequency(link, languages) >= _LINK_ZIPF and _known(tail, languages) and len(tail) >= _MIN_TAIL:
                return head, link, tail
    return None


def _split_known(word: str, languages: tuple[str, ...]) -> tuple[str, ...] | None:
    """``word`` as two or three common words of ``languages`` (the most common parts on average), or None."""
    best: tuple[str, ...] | None = None
    best_score = 0.0
    for first in range(_MIN_PART, len(word) - _MIN_PART + 1):
        head, rest = word[:first], word[first:]
        if not _known(head, languages):
            continue
        options = [(rest,)] + [(rest[:second], rest[second:]) for second in range(_MIN_PART, len(rest) - _MIN_PART + 1)]
        for option in options:
            parts = (head, *option)
            if max(len(p) for p in parts) < _MIN_LONG_PART or not all(_known(p, languages) for p in option):
                continue
            score = sum(_frequency(p, languages) for p in parts) / len(parts)
            if best is None or score > best_score:
                best, best_score = parts, score
    return best


def _frequency(part: str, languages: tuple[str, ...]) -> float:
    return max(zipf(part, language) for language in languages)


@lru_cache(maxsize=4096)
def _known(part: str, languages: tuple[str, ...]) -> bool:
    if len(part) < _MIN_PART:
        return False
    return _frequency(part, languages) >= (_PART_ZIPF if len(part) >= _MIN_LONG_PART else _SHORT_PART_ZIPF)


check = OovRateCheck()
