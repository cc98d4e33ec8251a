"""English words left inside a name that a translator renders, for the ``source_words`` check.

These shapes recur in machine translations from English, and none is a name kept on purpose:

* the head noun of a place, kept beside the place's proper name: "del River Wey", "en County Sligo", "el
  Saint-Aubin Bridge". A translator writes "río Wey", "condado de Sligo", "puente de Saint-Aubin"; only the proper
  part is a name. Companies that carry such a noun ("Harbour Energy", "Lake Shore Bank") are not this shape: their
  other words are common English words, or there are more of them.
* a body's name the engine rendered in part and left in part: "Ministerio de Fisheries", "Ministerio holandés de
  Infraestructura y Water Management", "European Bank para Reconstrucción". A name is either kept whole or
  translated whole; a target word, a link word ("de", "y") and capitalised English common words is neither.
* an English name whose link word alone was translated: "Bruges Museum de Fine Arts".
* a body's English head left alone where the rest was rendered: "…de Paraguai Directorate".
* a name of three or more words kept but for its first or last: "Ruanda Biomedical Centre", "Sri Lanka Tea
  Entaula".

This module is a helper, not a check: ``source_words`` reports what it finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from polywire.localize.checks.base import Token, TranslationPair
from polywire.localize.checks.lexicon import english_common_word, misspelt, zipf
from polywire.localize.checks.territories import english_place_names
from polywire.localize.checks.vocabulary import is_target_word, target_misspelt
from polywire.localize.names import GEOGRAPHIC_HEADS, INSTITUTION_HEADS, opens_sentence

# A proper name's word is no common English word (wordfreq Zipf below 4: "Wey", "Sligo", "Saint-Aubin"); "Energy"
# in "Harbour Energy" is one, and the run is a company's name.
_COMMON_ENGLISH = 4.0
# An English word left untranslated is common in English (Zipf 2.5: once in three million words; "Civilisations")
# and at least ten times rarer in the target language's texts.
_LEFT_ENGLISH = 2.5
_MARGIN = 1.0
# Link words inside a rendered name, by target language: "Ministerio de …", "Infraestructura y …".
_LINKS = frozenset("de del y e i et da do das dos du des della di".split())  # noqa: SIM905 - a word list


class Shape(StrEnum):
    """How English stays inside a name: a place's head, a name half rendered, a name with only its link rendered."""

    PLACE_HEAD = "place head"
    HALF_RENDERED = "half rendered"
    LINK_RENDERED = "link rendered"


@dataclass(frozen=True, slots=True)
class KeptHead:
    """English words kept inside a name: ``english`` (the words), and ``context``: the proper name beside a place
    head, the rendered words before a half-rendered name, or the link word rendered inside an English name."""

    start: int
    end: int
    english: str
    context: str
    shape: Shape


def kept_heads(pair: TranslationPair) -> list[KeptHead]:
    """Place heads kept beside a name and names half rendered, in target order."""
    # Chinese, Japanese and Korean write English names in Latin letters inside their own script: no word of theirs
    # stands beside one as a rendered part of it.
    if pair.source_primary != "en" or pair.target_primary in {"en", "zh", "ja", "ko"}:
        return []
    places = _place_heads(pair)
    halves = [
        h
        for h in _half_rendered(pair) + _link_rendered(pair) + _orphan_heads(pair) + _end_rendered(pair)
        if not any(p.start < h.end and h.start < p.end for p in places)
    ]
    return sorted(places + halves, key=lambda kept: kept.start)


def _left_in_english(word: str, pair: TranslationPair) -> bool:
    """A common English word, clearly rarer in the target's texts, that the target's speller rejects in both
    cases (wordfreq's lists count names: "river" is frequent in Spanish texts through River Plate)."""
    folded = word.casefold()
    english = zipf(folded, "en")
    if english < _LEFT_ENGLISH or english - zipf(folded, pair.target_primary) < _MARGIN:
        return False
    if not english_common_word(folded):
        # A place or a name ("Queensland", "St Pancras"), not an English word a translator renders.
        return False
    rejected = misspelt(pair.target_lang, frozenset({word, folded}))
    if rejected is None:
        return not is_target_word(word, pair, target_misspelt(pair))
    return word in rejected and folded in rejected


def _source_runs(pair: TranslationPair) -> list[list[Token]]:
    """The source's runs of capitalised words that only spaces separate ("River Wey", "Saint-Aubin Bridge"), once
    per pair."""

    def runs() -> list[list[Token]]:
        found: list[list[Token]] = []
        for token in pair.source_words:
            if not token.text[:1].isupper():
                continue
            if found and pair.source[found[-1][-1].end : token.start] == " ":
                found[-1].append(token)
            else:
                found.append([token])
        return found

    return pair.derived("source_capital_runs", runs)


def _source_capitals(pair: TranslationPair) -> frozenset[str]:
    """The source's capitalised words, once per pair."""
    return pair.derived("source_capitals", lambda: frozenset(t.text for t in pair.source_words if t.text[:1].isupper()))


def _place_heads(pair: TranslationPair) -> list[KeptHead]:
    found: list[KeptHead] = []
    for run in _source_runs(pair):
        if len(run) != 2:
            continue
        first, second = run[0].text, run[1].text
        if first.casefold() in GEOGRAPHIC_HEADS:
            head, proper = first, second
        elif second.casefold() in GEOGRAPHIC_HEADS:
            head, proper = second, first
        else:
            continue
        if proper.casefold() in GEOGRAPHIC_HEADS or zipf(proper.casefold(), "en") >= _COMMON_ENGLISH:
            continue
        if not _left_in_english(head, pair):
            continue
        phrase = f"{first} {second}"
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", pair.target):
            offset = match.start() if head == first else match.start() + len(first) + 1
            found.append(KeptHead(offset, offset + len(head), head, proper, Shape.PLACE_HEAD))
    return found


def _half_rendered(pair: TranslationPair) -> list[KeptHead]:
    """A name rendered up to a link word and left in English after it ("Ministerio de Fisheries"), or the other way
    round ("European Bank para Reconstrucción y Desarrollo", "Disaster i Autoritat de Gerència")."""
    source_capitals = _source_capitals(pair)
    tokens = pair.target_words

    def rendered_word(token: Token) -> bool:
        # A common noun of the target, capitalised inside a name: not a place or a person, which "y" may join to
        # another name ("España y Financial Conduct Authority", "Convention Center de Philadelphie"). The speller
        # decides: word lists count places in lowercase too.
        if not token.text[:1].isupper() or token.text in source_capitals:
            return False
        lowercase = token.text.casefold()
        rejected = misspelt(pair.target_lang, frozenset({lowercase}))
        return zipf(lowercase, pair.target_primary) >= 3.0 if rejected is None else lowercase not in rejected

    def english_word(token: Token) -> bool:
        return token.text in source_capitals and len(token.text) >= 4 and _left_in_english(token.text, pair)

    def spaced(left: Token, right: Token) -> bool:
        return pair.target[left.end : right.start] == " "

    def run_from(index: int, step: int) -> list[int]:
        """The capitalised source words from ``index`` on, forwards or backwards, that only spaces separate."""
        run: list[int] = []
        while 0 <= index < len(tokens) and tokens[index].text in source_capitals:
            if run and not spaced(*sorted((tokens[run[-1]], tokens[index]), key=lambda t: t.start)):
                break
            run.append(index)
            index += step
        return run

    found: list[KeptHead] = []
    for index in range(1, len(tokens) - 1):
        before, link, after = tokens[index - 1], tokens[index], tokens[index + 1]
        if link.text not in _LINKS | _RENDERED_LINKS or not (spaced(before, link) and spaced(link, after)):
            continue
        following = run_from(index + 1, 1)
        preceding = run_from(index - 1, -1)
        if (
            rendered_word(before)
            and not opens_sentence(pair.target, before.start)
            and any(english_word(tokens[i]) for i in following)
        ):
            # The English part runs on over the capitalised source words that follow ("Water Management", "Black
            # Civilisations", whose "Black" alone is common in Catalan texts too).
            first, last = following[0], following[-1]
            context = pair.target[before.start : link.end] + " …"
        elif any(english_word(tokens[i]) for i in preceding) and rendered_word(after):
            # … and back over those before it ("European Bank").
            first, last = preceding[-1], preceding[0]
            context = "… " + pair.target[link.start : after.end]
        else:
            continue
        start, end = tokens[first].start, tokens[last].end
        if not any(kept.start <= start < kept.end for kept in found):
            found.append(KeptHead(start, end, pair.target[start:end], context, Shape.HALF_RENDERED))
    return found


# English link words inside a name: "Museum of Fine Arts", "Prize for Latin American Fiction". ("and" and "in" join
# two names as often: "Hollis Brewing and Kettle Foods", "Partners in Madrid".)
_ENGLISH_LINKS = frozenset({"of", "for", "on"})
# What engines render them as: "de", "per", "para", "pour", "sobre", "em" …
_RENDERED_LINKS = (_LINKS | frozenset("per para pour por sobre sur".split())) - {"y", "e", "i", "et"}  # noqa: SIM905


def _link_rendered(pair: TranslationPair) -> list[KeptHead]:
    """An English name kept, but for its link word: "Museum de Fine Arts" from "Museum of Fine Arts"."""
    linked = set()
    source = pair.source_words
    for left, link, right in zip(source, source[1:], source[2:], strict=False):
        if left.text[:1].isupper() and right.text[:1].isupper() and link.text in _ENGLISH_LINKS:
            linked.add((left.text, right.text))
    found: list[KeptHead] = []
    tokens = pair.target_words
    for left, link, right in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if (
            (left.text, right.text) in linked
            and link.text in _RENDERED_LINKS
            and pair.target[left.end : link.start] == " "
            and pair.target[link.end : right.start] == " "
            # Both sides ordinary English words (the right one may be a target word too: "Fine"): "GmbH for COP"
            # joins a company to an event.
            and not left.text.isupper()
            and not right.text.isupper()
            and _left_in_english(left.text, pair)
            and zipf(right.text.casefold(), "en") >= _LEFT_ENGLISH
        ):
            english = pair.target[left.start : right.end]
            found.append(KeptHead(left.start, right.end, english, link.text, Shape.LINK_RENDERED))
    return found


def _orphan_heads(pair: TranslationPair) -> list[KeptHead]:
    """A body's English head noun left alone where the rest of its name was rendered: "l'aviació Civil Nacional de
    Paraguai Directorate" from "Paraguay's National Civil Aviation Directorate". Kept whole, the name would keep
    the word before the head too ("Financial Conduct Authority")."""
    before: dict[str, set[str]] = {}
    for run in _source_runs(pair):
        for left, head in pairwise(run):
            if head.text.casefold() in INSTITUTION_HEADS:
                before.setdefault(head.text, set()).add(left.text)
    found: list[KeptHead] = []
    tokens = pair.target_words
    for index, token in enumerate(tokens):
        if token.text not in before or not _left_in_english(token.text, pair):
            continue
        neighbour = tokens[index - 1].text if index > 0 else ""
        if neighbour in before[token.text]:
            continue
        found.append(KeptHead(token.start, token.end, token.text, neighbour, Shape.HALF_RENDERED))
    return found


_DETERMINERS = frozenset({"The", "A", "An", "This", "That", "These", "Those", "Its", "Their", "Our"})


def _end_rendered(pair: TranslationPair) -> list[KeptHead]:
    """A name of three or more words kept but for its first or last, which the engine rendered: "Ruanda Biomedical
    Centre" from "Rwanda Biomedical Centre", "Sri Lanka Tea Entaula" from "Sri Lanka Tea Board"."""
    source_capitals = _source_capitals(pair)
    found: list[KeptHead] = []
    for run in _source_runs(pair):
        # "The Baltic Book Fair" opens a sentence: its article is no word of the name.
        while run and run[0].text in _DETERMINERS:
            run = run[1:]
        if len(run) < 3:
            continue
        for kept_words, rendered_side in ((run[1:], "before"), (run[:-1], "after")):
            if not any(_left_in_english(token.text, pair) for token in kept_words):
                continue
            kept = pair.source[kept_words[0].start : kept_words[-1].end]
            for match in re.finditer(rf"(?<![\w-]){re.escape(kept)}(?![\w-])", pair.target):
                if rendered_side == "before":
                    neighbour = re.search(r"([^\W\d_]+) $", pair.target[: match.start()])
                else:
                    neighbour = re.match(r" ([^\W\d_]+)", pair.target[match.end() :])
                if neighbour is None:
                    continue
                word = neighbour.group(1)
                if not word[:1].isupper() or word in source_capitals:
                    continue
                # Before the name, a rendered place ("Ruanda" for "Rwanda"), not a rendered title ("Desarrollador
                # Caledon Hydro"). After it, the rendered head ("Entaula").
                if rendered_side == "before" and run[0].text not in english_place_names():
                    continue
                found.append(KeptHead(match.start(), match.end(), kept, word, Shape.HALF_RENDERED))
    return found
