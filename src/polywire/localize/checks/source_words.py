"""Check ``source_words``: source-language words left in the translation, alone or glued into a longer word.

"Reichweitecloser" is German "Reichweite" with the English "closer" glued on: an engine that did not know
"closer" kept it and the compounder joined it to its neighbour. A target word is suspect when the target's
speller rejects it (or, with no speller, the target word list has not seen it). It is a left-over source word
when the source uses it as an ordinary lowercase word, it is common in the source language (wordfreq Zipf ≥ 2.5)
and clearly more common there than in the target language; it is a glued one when it splits into a target word
and such a source word. Names never count: the source writes them capitalised, and a word of a run of capitalised
words the translation keeps verbatim ("Thames Crossing Water", "Caldera Bank") belongs to a name. English months,
weekdays and titles ("August", "Chief", "Executive") are ordinary words even when capitalised: left in a Spanish
sentence they are untranslated, and the target's speller alone decides. The generic English name of a public
body ("National Statistics Office", "European Medicines Agency": common words ending in a head noun such as
office, agency, service) kept verbatim warns as a whole, unless it is a protected term: the target language has
its own name for it, but translators often keep a regulator's official name ("Financial Conduct Authority"), and
masking leaves such names to the engine, so a machine translation rarely keeps one. A word the engine reported it
did not know and left as the source writes it holds when it is lowercase ("electrolyser", however rare in
English), and warns when it is a name far rarer in the target language than in the source (an English exonym:
"Ghent", "Andalusia"). Loanwords the target dictionary knows ("Software", "online") pass. A country, region,
language or major city kept in its English form where CLDR gives the target language another ("el Netherlands"
for "los Países Bajos") holds where the target's texts clearly prefer their own form, and warns where they use
both ("Vilnius" and "Vilna"); see territories.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from polywire.localize.checks.base import Finding, Severity, Token, TranslationPair
from polywire.localize.checks.exonyms import kept_exonyms, own_form_prevails
from polywire.localize.checks.lexicon import currency_words, misspelt, zipf
from polywire.localize.checks.name_heads import Shape, kept_heads
from polywire.localize.checks.numbers import is_foreign_month
from polywire.localize.checks.territories import english_demonyms, kept_territories
from polywire.localize.checks.vocabulary import (
    generic_bodies,
    inside,
    is_target_word,
    kept_name_spans,
    never_names,
    protected_spans,
    source_vocabulary,
    target_misspelt,
)
from polywire.localize.names import PLACE_ADJECTIVE, PLACE_ADJECTIVE_SUFFIX

_COMMON_IN_SOURCE = 2.5
# How much more common (in Zipf units, i.e. powers of ten) the word must be in the source language.
_MARGIN = 1.0
# A word seen at least this often in the target's texts (Zipf 1.5: about once in 30 million words) and within
# _MARGIN of its frequency in the source's is shared by both languages.
_SHARED_FLOOR = 1.5
_SPECIALISED = 3.5
_COMMON_SHARED_MARGIN = 0.6
_MIN_PART = 4
_SHORT_PART_ZIPF = 4.0
_MIN_TARGET_PART = 3
_MIN_GLUED = 7
_CJK_TARGETS = {"zh", "ja", "ko"}
# What a CLDR code names, by its prefix (territory codes have none).
_PLACE_KINDS = {"lang": "language", "city": "city"}
# Company legal forms stay as the company writes them: "Pennant Hill Group plc", "Acme Ltd".
# Heads of public bodies and places every translator renders: "North Sea", "European Union", "Scottish Government".
# Other bodies only warn: translators keep some regulators' and events' official names ("Financial Conduct
# Authority", "Web Summit").
_RENDERED_BODY_HEADS = frozenset(
    "sea ocean america europe africa asia union kingdom republic states nations ministry government parliament".split()  # noqa: SIM905
)
_FIGURE = r"\d+(?:[.,]\d+)*"
# Languages that, like English, join a figure and a word with a hyphen ("40-Liter-Tank", "40-litertank").
_FIGURE_COMPOUND_LANGUAGES = frozenset({"en", "de", "nl", "da", "sv", "no", "nb", "nn", "is", "fi", "et", "hu"})
_LEGAL_FORMS = frozenset(
    {"plc", "ltd", "llc", "llp", "inc", "corp", "gmbh", "ag", "nv", "bv", "oyj", "asa", "pty", "sp", "spa", "srl"}
)


def _glosses(pair: TranslationPair) -> tuple[tuple[int, int], ...]:
    """Brackets in the translation that quote the source's own words where the source has no brackets: a translator's
    gloss of the original term ("un acuerdo bajo supervisión judicial (scheme of arrangement)"), not words left."""
    spans = []
    for match in re.finditer(r"\(([^()]{3,80})\)", pair.target):
        inner = match.group(1).strip()
        if f"({inner})" not in pair.source and re.search(rf"(?<!\w){re.escape(inner)}(?!\w)", pair.source):
            spans.append(match.span())
    return tuple(spans)


@dataclass(frozen=True)
class SourceWordsCheck:
    """Untranslated source words, whole or glued to target words."""

    name: str = "source_words"

    def run(self, pair: TranslationPair) -> list[Finding]:
        if pair.source_primary == pair.target_primary:
            return []
        vocabulary = source_vocabulary(pair)
        rejected = target_misspelt(pair)
        shielded = protected_spans(pair)
        names = kept_name_spans(pair)
        ordinary = never_names(pair)
        findings: list[Finding] = []
        bodies = self._generic_bodies(pair, shielded)
        findings.extend(bodies)
        # A name masking found by itself is its guess, and "River" kept beside "Wey" is English all the same; only
        # the publisher's terms are kept as they are.
        masked = set(pair.masked_names)
        publisher = tuple((start, end) for start, end in shielded if pair.target[start:end] not in masked)
        # A masked guess of one capitalised word and a figure ("Spain 34" of "beat Spain 34–17") is no name a
        # country could belong to.
        named = tuple(
            (start, end)
            for start, end in names
            if pair.target[start:end] not in masked or len(re.findall(r"\b[^\W\d_a-z]", pair.target[start:end])) >= 2
        )
        findings.extend(self._territories(pair, publisher, named))

        def spans() -> tuple[tuple[int, int], ...]:
            # What earlier findings cover: a later finding on the same words would say the same thing again.
            return tuple((f.start, f.end) for f in findings)

        findings.extend(self._exonyms(pair, publisher, spans()))
        findings.extend(self._kept_heads(pair, publisher, spans()))
        findings.extend(self._demonyms(pair, publisher, rejected, spans()))
        body_spans = spans()
        glosses = _glosses(pair)
        unknown = {(start, end) for start, end in pair.unknown_spans}
        source_tokens = {t.text for t in pair.source_words}
        for token in pair.target_words:
            if (
                inside(token.start, token.end, body_spans)
                or token.text.casefold() in _LEGAL_FORMS
                or inside(token.start, token.end, glosses)
            ):
                continue
            # A word inside a protected term ("Energy" in "Siemens Energy") was kept on purpose, and so was a word
            # of a name the translation keeps whole ("Water" in "Thames Crossing Water"), unless it is a title or
            # a month, which are translated even inside a capitalised run ("Chief Executive Officer").
            if inside(token.start, token.end, shielded) or (
                token.text.casefold() not in ordinary and inside(token.start, token.end, names)
            ):
                continue
            # A figure's compound first: "mid" alone is a short word that only warns, "mid-2028" holds.
            finding = self._figure_compound(token, pair, vocabulary, rejected)
            if finding is None:
                finding = self._left_over(token, pair, vocabulary, rejected)
            if finding is None and len(token.text) >= _MIN_GLUED and token.text not in source_tokens:
                # A word the source writes as it is ("PowerCube") is a name, not a glue the engine made.
                finding = self._glued(token, pair, vocabulary, rejected)
            if finding is None and "-" in token.text:
                finding = self._hyphened(token, pair)
            if finding is None and (token.start, token.end) in unknown:
                finding = self._engine_left(token, pair, rejected)
            if finding is not None:
                findings.append(finding)
        return findings

    @staticmethod
    def _capitalised_by_position(text: str, pair: TranslationPair) -> bool:
        """True when every capitalised occurrence in the source opens a sentence and the word is common in the
        source language ("Tunnelling is planned …"): its capital comes from its place, not from a name."""
        places = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(text)}(?!\w)", pair.source)]
        opens = [bool(re.search(r"(?:^|[.!?][\"'”’)]*\s+)$", pair.source[:start])) for start in places]
        if not (places and all(opens) and zipf(text.casefold(), pair.source_primary) >= _COMMON_IN_SOURCE):
            return False
        # Opening a run of capitalised words somewhere ("Target Corporation", "Hollis & Crane"), or a place adjective
        # ("Cork-based"), it is a name.
        if re.search(rf"(?<!\w){re.escape(text)}(?:(?:\s+&)?\s+[^\W\d_a-z]|{PLACE_ADJECTIVE_SUFFIX})", pair.source):
            return False
        # A name the source language's dictionary knows only with its capital ("Hollis & Crane said …") is a name.
        rejected = misspelt(pair.source_lang, frozenset({text, text.casefold()}))
        return rejected is None or text.casefold() not in rejected or text in rejected

    def _opener_left(self, text: str, pair: TranslationPair) -> bool:
        """An ordinary source word that opens a sentence ("Fares start at £79"), kept capitalised in the target:
        capitalised only by its place, and clearly more common in the source language than in the target's."""
        if not text[:1].isupper() or not self._capitalised_by_position(text, pair):
            return False
        source_zipf = zipf(text.casefold(), pair.source_primary)
        return source_zipf - zipf(text.casefold(), pair.target_primary) >= _MARGIN

    def _engine_left(self, token: Token, pair: TranslationPair, rejected: frozenset[str] | None) -> Finding | None:
        """A word the engine reported it did not know and left as the source writes it.

        Lowercase, it is a source word left untranslated, however rare ("electrolyser", "wells"): the engine said
        so. Capitalised, it is a name, kept on purpose, unless it is much rarer in the target language's texts
        than in the source's: then it is likely a place the target calls otherwise ("Ghent" for "Gante",
        "Andalusia"), which warns.
        """
        text = token.text
        if rejected is None or text not in rejected or text not in {t.text for t in pair.source_words}:
            return None
        if self._shared_word(text, pair) or text.casefold() in currency_words(pair.target_primary):
            # "tenge" in Catalan: a currency the target's own CLDR names give is its word too.
            return None
        if text[:1].islower() or self._capitalised_by_position(text, pair):
            return Finding(
                self.name,
                Severity.HOLD,
                f"“{text}” is a {pair.source_primary} word the engine did not know and left untranslated",
                token.start,
                token.end,
            )
        source_zipf = zipf(text, pair.source_primary)
        if source_zipf >= _COMMON_IN_SOURCE and source_zipf - zipf(text, pair.target_primary) >= _MARGIN:
            return Finding(
                self.name,
                Severity.WARN,
                f"“{text}” is the {pair.source_primary} form of a name the engine did not know, rare in "
                f"{pair.target_primary}: the place may have a {pair.target_primary} name",
                token.start,
                token.end,
            )
        return None

    @staticmethod
    def _shared_word(text: str, pair: TranslationPair) -> bool:
        """A word the target language's texts use about as often as the source's ("naira", "megabits", "drones"):
        the two languages share it, though the engine and the target's speller do not know it. A common source word
        must come closer: within 0.6 ("streaming" is 0.5 rarer in Spanish; "wells" is 0.8 rarer, and only as a name,
        H. G. Wells)."""
        target_zipf = zipf(text.casefold(), pair.target_primary)
        source_zipf = zipf(text.casefold(), pair.source_primary)
        margin = _MARGIN if source_zipf < _SPECIALISED else _COMMON_SHARED_MARGIN
        return target_zipf >= _SHARED_FLOOR and source_zipf - target_zipf < margin

    def _territories(
        self, pair: TranslationPair, shielded: tuple[tuple[int, int], ...], names: tuple[tuple[int, int], ...]
    ) -> list[Finding]:
        """A country, region, language or city kept in the source's form where the target has its own ("el
        Netherlands"). It holds where the target's texts use their own form clearly more (Zipf 0.3 or more: "Nueva
        York", "Kenia") and warns where they also use the source's ("Vilnius" beside CLDR's "Vilna", "Zurich")."""
        return [
            Finding(
                self.name,
                Severity.HOLD
                if own_form_prevails(kept.target_name, kept.source_name, pair.target_primary)
                else Severity.WARN,
                f"“{kept.source_name}” is the {pair.source_primary} name of the "
                + _PLACE_KINDS.get(kept.code.split(":")[0], "country or region")
                + ": "
                f"{pair.target_primary} writes “{kept.target_name}”",
                kept.start,
                kept.end,
            )
            for kept in kept_territories(pair)
            if not inside(kept.start, kept.end, shielded)
            and not any(s <= kept.start and kept.end <= e and (s, e) != (kept.start, kept.end) for s, e in names)
        ]

    def _generic_bodies(self, pair: TranslationPair, shielded: tuple[tuple[int, int], ...]) -> list[Finding]:
        """The English generic name of a public body kept verbatim ("El National Statistics Office dijo")."""
        findings = []
        for body in generic_bodies(pair):
            for match in re.finditer(rf"(?<!\w){re.escape(body)}(?!\w)", pair.target):
                if inside(match.start(), match.end(), shielded):
                    continue
                findings.append(
                    Finding(
                        self.name,
                        Severity.HOLD if body.split()[-1].casefold() in _RENDERED_BODY_HEADS else Severity.WARN,
                        f"“{body}” is the generic {pair.source_primary} name of a public body, left untranslated: "
                        f"{pair.target_primary} has its own name for it",
                        match.start(),
                        match.end(),
                    )
                )
        return findings

    def _exonyms(
        self, pair: TranslationPair, publisher: tuple[tuple[int, int], ...], found: tuple[tuple[int, int], ...]
    ) -> list[Finding]:
        """A river, region or city kept in the source's form where the target has its own ("Bavaria" for
        "Baviera"): it holds where the target's texts clearly prefer their own form, and warns otherwise."""
        return [
            Finding(
                self.name,
                Severity.HOLD if kept.prevails else Severity.WARN,
                f"“{kept.source_name}” is the {pair.source_primary} name of a place: {pair.target_primary} writes "
                f"“{kept.target_name}”",
                kept.start,
                kept.end,
            )
            for kept in kept_exonyms(pair)
            if not inside(kept.start, kept.end, publisher)
            and not any(s < kept.end and kept.start < e for s, e in found)
        ]

    def _demonyms(
        self,
        pair: TranslationPair,
        publisher: tuple[tuple[int, int], ...],
        rejected: frozenset[str] | None,
        found: tuple[tuple[int, int], ...],
    ) -> list[Finding]:
        """A country's English adjective kept, even inside a name masking guessed: "la Chilean Patagonia", "0,095
        Tunisian dinares". Not before a common English word, where it names a company ("Mexican Grill Ltd")."""
        if pair.source_primary != "en" or rejected is None:
            return []
        demonyms = english_demonyms()
        findings = []
        source = pair.source_words
        after = {
            word.text: (following.text if following.text[:1].isupper() else "")
            for word, following in zip(source, [*source[1:], source[0]], strict=True)
            if word.text in demonyms
        }
        followers = frozenset(next_word.casefold() for next_word in after.values() if next_word)
        lowercase_unknown = misspelt(pair.source_lang, followers) if followers else frozenset()
        for token in pair.target_words:
            if token.text not in after or token.text not in rejected:
                continue
            following = after[token.text].casefold()
            # A common word follows in a company's name ("Grill"); a place does not ("Patagonia").
            if following and lowercase_unknown is not None and following not in lowercase_unknown:
                continue
            if inside(token.start, token.end, publisher) or inside(token.start, token.end, found):
                continue
            findings.append(
                Finding(
                    self.name,
                    Severity.HOLD,
                    f"“{token.text}” is the {pair.source_primary} adjective of a country, left untranslated",
                    token.start,
                    token.end,
                )
            )
        return findings

    def _kept_heads(
        self, pair: TranslationPair, publisher: tuple[tuple[int, int], ...], found: tuple[tuple[int, int], ...]
    ) -> list[Finding]:
        """English nouns kept inside a name the translation renders: "River Wey", "Ministerio de Fisheries"."""
        findings = []
        for kept in kept_heads(pair):
            if inside(kept.start, kept.end, publisher) or inside(kept.start, kept.end, found):
                continue
            if kept.shape is Shape.HALF_RENDERED:
                message = (
                    f"“{kept.english}” is left in {pair.source_primary} inside a name the translation otherwise "
                    f"renders (“{kept.context}”)"
                )
            elif kept.shape is Shape.LINK_RENDERED:
                message = (
                    f"“{kept.english}” keeps a {pair.source_primary} name but renders its link word "
                    f"(“{kept.context}”): keep the name whole or translate it whole"
                )
            else:
                message = (
                    f"“{kept.english}” is the {pair.source_primary} common noun beside the name “{kept.context}”: "
                    f"{pair.target_primary} renders it"
                )
            findings.append(Finding(self.name, Severity.HOLD, message, kept.start, kept.end))
        return findings

    def _figure_compound(
        self, token: Token, pair: TranslationPair, vocabulary: frozenset[str], rejected: frozenset[str] | None
    ) -> Finding | None:
        """An English compound with a figure kept as the source writes it: "mid-2028", "a 40-litre tank".

        English joins a figure and a word with a hyphen to make an adjective or a time; the languages we
        translate into do not ("a mediados de 2028", "un depósito de 40 litros"), so the compound copied whole is
        untranslated, even when its word is also a target word ("litre" in Catalan and French)."""
        before = pair.target[max(0, token.start - 1) : token.start]
        after = pair.target[token.end : token.end + 2]
        figure_first = re.search(r"\d-$", pair.target[max(0, token.start - 2) : token.start]) is not None
        figure_after = re.fullmatch(r"-\d", after) is not None
        if not (figure_first or figure_after) or before.isalnum() or not token.text[:1].islower():
            return None
        compound = re.search(
            rf"(?<![\w-])(?:{_FIGURE}-{re.escape(token.text)}|{re.escape(token.text)}-{_FIGURE})(?![\w-])",
            pair.target[max(0, token.start - 12) : token.end + 12],
        )
        if compound is None or compound.group() not in pair.source:
            return None
        folded = token.text.casefold()
        if folded not in vocabulary or zipf(folded, pair.source_primary) < _COMMON_IN_SOURCE:
            return None
        if pair.target_primary in _CJK_TARGETS or pair.target_primary in _FIGURE_COMPOUND_LANGUAGES:
            return None
        if figure_after and is_target_word(token.text, pair, rejected):
            # "mid-2028": only an English word before the figure; a target word there may be the target's own.
            return None
        start = max(0, token.start - 12) + compound.start()
        return Finding(
            self.name,
            Severity.HOLD,
            f"“{compound.group()}” is the {pair.source_primary} compound of a figure and a word, copied untranslated",
            start,
            start + len(compound.group()),
        )

    def _is_source_word(self, word: str, pair: TranslationPair, vocabulary: frozenset[str]) -> bool:
        folded = word.casefold()
        if folded not in vocabulary:
            return False
        source_zipf = zipf(folded, pair.source_primary)
        return source_zipf >= _COMMON_IN_SOURCE and source_zipf - zipf(folded, pair.target_primary) >= _MARGIN

    def _left_over(
        self, token: Token, pair: TranslationPair, vocabulary: frozenset[str], rejected: frozenset[str] | None
    ) -> Finding | None:
        text = token.text
        if len(text) < 3 or text.casefold() in currency_words(pair.target_primary):
            # A currency the target's CLDR names give ("baht" in Catalan) is the target's word.
            return None
        # A month or title of the source ("August", "Chief"): wordfreq's lists for Romance languages carry them
        # as names ("August" the emperor), so the target's speller decides, or its month names for a month.
        calendar_or_title = text.casefold() in never_names(pair) and text in pair.source
        if calendar_or_title:
            if (rejected is None or text not in rejected) and not is_foreign_month(
                text, pair.source_primary, pair.target_primary
            ):
                return None
        elif not (source_word := self._is_source_word(text, pair, vocabulary)) and not self._opener_left(text, pair):
            return None
        elif pair.target_primary in _CJK_TARGETS:
            # In Chinese any Latin word is foreign; a capitalised one is a name or brand, a lowercase one is not.
            if not text[:1].islower():
                return None
        elif is_target_word(text, pair, rejected) and (
            # A sentence opener must be a target word in lowercase too: Catalan spellers know "Fares" as a name.
            source_word or is_target_word(text.casefold(), pair, rejected)
        ):
            return None
        severity = Severity.HOLD if len(text) >= 4 else Severity.WARN
        return Finding(
            self.name, severity, f"“{text}” is a {pair.source_primary} word left untranslated", token.start, token.end
        )

    def _glued(
        self, token: Token, pair: TranslationPair, vocabulary: frozenset[str], rejected: frozenset[str] | None
    ) -> Finding | None:
        text = token.text
        if pair.target_primary in _CJK_TARGETS or is_target_word(text, pair, rejected, floor=1.0):
            return None
        for cut in range(_MIN_TARGET_PART, len(text) - _MIN_TARGET_PART + 1):
            left, right = text[:cut], text[cut:]
            if (
                len(right) >= _MIN_PART
                and self._is_source_word(right, pair, vocabulary)
                and self._target_part(left, pair)
            ):
                return self._glued_finding(token, left, right, right, pair)
            if (
                len(left) >= _MIN_PART
                and self._is_source_word(left, pair, vocabulary)
                and self._target_part(right, pair)
            ):
                return self._glued_finding(token, left, right, left, pair)
        return None

    def _hyphened(self, token: Token, pair: TranslationPair) -> Finding | None:
        """A source word hyphened to a translated one ("tinned-fabricante" from "tinned-fish maker"): the engine
        translated one half of the compound and kept the other."""
        if token.text in {t.text for t in pair.source_words}:
            adjective = PLACE_ADJECTIVE.search(token.text)
            if adjective is None or not token.text[:1].isupper():
                return None
            # "Monterrey-based" kept whole: the place is a name, "based" is English.
            return Finding(
                self.name,
                Severity.HOLD,
                f"“{token.text}” keeps the {pair.source_primary} “{adjective.group()}” after the place",
                token.start,
                token.end,
            )
        source_parts = {part.casefold() for t in pair.source_words for part in t.text.split("-")}
        for part in token.text.split("-"):
            folded = part.casefold()
            short = len(part) == _MIN_PART - 1
            if (len(part) < _MIN_PART and not short) or not part[:1].islower() or folded not in source_parts:
                continue
            source_zipf = zipf(folded, pair.source_primary)
            target_zipf = zipf(folded, pair.target_primary)
            if short:
                # Three letters ("inici-ups" from "start-ups"): wordfreq counts them in every language's texts, so
                # only a common English word the target's speller rejects counts.
                target_rejects = misspelt(pair.target_lang, frozenset({folded}))
                left = bool(target_rejects) and source_zipf >= _SHORT_PART_ZIPF and source_zipf - target_zipf >= _MARGIN
            else:
                left = source_zipf >= _COMMON_IN_SOURCE and source_zipf - target_zipf >= _MARGIN and target_zipf < 3.0
            if left:
                return Finding(
                    self.name,
                    Severity.HOLD,
                    f"“{token.text}” keeps the {pair.source_primary} word “{part}” hyphened to a translated one",
                    token.start,
                    token.end,
                )
        return None

    @staticmethod
    def _target_part(part: str, pair: TranslationPair) -> bool:
        # German compounds link with -s- ("Arbeitsplatz"), so "Reichweites…" still counts as "Reichweite".
        return zipf(part, pair.target_primary) >= 2.5 or (
            part.endswith("s") and zipf(part[:-1], pair.target_primary) >= 2.5
        )

    def _glued_finding(self, token: Token, left: str, right: str, foreign: str, pair: TranslationPair) -> Finding:
        return Finding(
            self.name,
            Severity.HOLD,
            f"“{token.text}” glues the {pair.source_primary} word “{foreign}” into a {pair.target_primary} word "
            f"(“{left}” + “{right}”)",
            token.start,
            token.end,
        )


check = SourceWordsCheck()
