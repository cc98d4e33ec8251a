"""Check ``protected_names``: names fused with the next word, altered, or (for protected terms) missing.

"Macronaskuris" is "Macron" + Lithuanian ending "as" + "kuris" ("who"): the engine joined a name to the word
after it. Names are the source's capitalised words that do not start a sentence, plus the protected terms
passed in. A target word that starts with a name is fine when what follows is a short inflection (Lithuanian
"Macrono", German "Macrons") or a hyphenated compound ("Acme-Werk"); it is fused when, after at most three
letters of inflection, the rest is a word of the target or source language. Protected terms must also appear
(verbatim or inflected); a near miss ("Macorn") is reported as altered. A protected term is judged whole: one
finding names the term ("the protected term “European Investment Bank” is missing"), never one of its words;
terms with figures ("15-year", "€1.2 billion") are the numbers check's. A missing name that masking found by
itself (the pair's ``masked_names``) warns instead of holding: the engine never saw it, so a person translated it
("Associação de Viticultores do Douro"), which is theirs to decide. Names found only by capitalisation are
checked for fusion and alteration, not for absence, because place names may be translated (Lithuania →
Lituania): a near miss the target's speller accepts, or that is common in the target language (wordfreq
Zipf ≥ 3), is such a translation (an exonym, "Múnich" for "Munich") and is not reported, or only noted. Outside
the languages that join nouns with a hyphen as a rule (German, Dutch, the Nordic languages…), a name hyphenated
to a word the source does not hyphenate it to ("Halcyon-satèl·lit" for "Halcyon-class satellite") is fused too.
A company's legal form written with full stops ("S.A.", "S.p.A.", "sp. z o.o.") must come through as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from polywire.localize.checks.base import Finding, Severity, Token, TranslationPair, whole_target, words
from polywire.localize.checks.lexicon import zipf
from polywire.localize.checks.vocabulary import name_terms, source_names, source_vocabulary, target_misspelt
from polywire.localize.names import LEGAL_FORM_WITH_STOPS

# Initials with full stops: "S.A.A.", "U.S."; garbled ones have a piece of up to three letters ("S.Un.Un.").
_INITIALS = re.compile(r"(?<![\w.])(?:[^\W\d_]\.){2,}")
_GARBLED = re.compile(r"(?<![\w.])(?:[^\W\d_]{1,3}\.){2,}")
# A name with a number: "ATP 250", "Kite 7", "Atlas 3.2".
_NUMBERED_NAME = re.compile(r"([^\W\d][\w&'-]*(?: [^\W\d][\w&'-]*)*) (\d[\w.]*)")
_INFLECTION = 3
# Endings that make a place's people or adjective in the Romance languages: "Berneses", "Bernois", "Quebequense",
# "Torinese", "Genovés".
_DEMONYM_ENDING = re.compile(
    r"(?:e|i)?(?:s|ses|sa|sas|ês|és|esa|eses|esas|ense|enses|ano|anos|ana|anas|ino|inos|ina|inas|eño|eños|eña|eñas|"
    r"ois|oise|oises|ien|iens|ienne|iennes|ais|aise|aises|ese|esi|è|ès|esos)",
    re.IGNORECASE,
)
_MIN_TAIL = 3
_WORD_FLOOR = 3.0
_NEAR_MISS = 0.8
_MIN_NEAR_MISS_LENGTH = 5
# Languages where "Acme-Werk" (a name hyphenated to a noun) is ordinary compounding.
_HYPHEN_COMPOUNDS = frozenset({"de", "nl", "sv", "da", "no", "nb", "nn", "fi", "is", "et", "hu", "lb", "af"})


@dataclass(frozen=True)
class ProtectedNamesCheck:
    """Names must come through whole: not fused, not altered, and protected terms not lost."""

    name: str = "protected_names"

    def run(self, pair: TranslationPair) -> list[Finding]:
        names = source_names(pair)
        if not names:
            return []
        vocabulary = source_vocabulary(pair)
        tokens = list(pair.target_words)
        findings: list[Finding] = []
        fused_names: set[str] = set()
        rejected = target_misspelt(pair)
        source_tokens = {t.text for t in pair.source_words}
        for token in tokens:
            # A word the target's speller knows ("Brazilijoje", Brazil in the Lithuanian locative) is not fused, and
            # neither is a word the source has too ("Airbus" beside the airline "Kestrel Air").
            if (rejected is not None and token.text not in rejected) or token.text in source_tokens:
                continue
            fused = self._fused(token, names, vocabulary, pair)
            if fused is not None:
                fused_names.add(fused[0])
                findings.append(fused[1])
        if pair.target_primary not in _HYPHEN_COMPOUNDS:
            for token in tokens:
                finding = self._hyphen_fused(token, names, fused_names, pair)
                if finding is not None:
                    findings.append(finding)
        terms = name_terms(pair)
        in_terms = {t.text for term in terms for t in words(term)}
        for name in sorted(names - fused_names - in_terms):
            if any(self._carries(token.text, name) for token in tokens):
                continue
            near = self._near_miss(name, tokens, rejected, pair.source)
            if near is None:
                continue
            if zipf(near.text, pair.target_primary) >= _WORD_FLOOR:
                # The target's own, common form of the name: an exonym ("Múnich"), not damage.
                findings.append(
                    Finding(
                        self.name,
                        Severity.INFO,
                        f"“{near.text}” is the {pair.target_primary} form of the name “{name}”",
                        near.start,
                        near.end,
                    )
                )
            else:
                findings.append(
                    Finding(
                        self.name,
                        Severity.WARN,
                        f"the name “{name}” appears altered as “{near.text}”",
                        near.start,
                        near.end,
                    )
                )
        for term in terms:
            finding = self._term_finding(term, tokens, rejected, fused_names, pair)
            if finding is not None:
                findings.append(finding)
        findings.extend(self._legal_forms(pair))
        findings.extend(self._split_numbered(pair))
        return findings

    def _legal_forms(self, pair: TranslationPair) -> list[Finding]:
        """A company's legal form written with full stops ("S.A.", "S.p.A.") must come through as written: apertium
        reads the "A" as an article ("Ortuño Ingenieros S.Un.")."""
        return [
            Finding(
                self.name,
                Severity.HOLD,
                f"the legal form “{form}” of a company's name is not in the translation as written",
                *whole_target(pair),
            )
            for form in dict.fromkeys(m.group() for m in LEGAL_FORM_WITH_STOPS.finditer(pair.source))
            if form not in pair.target
            # Case aside where the form mixes cases: Italian writes "S.p.A." and "S.p.a."; but "S.a.B." for "S.A.B."
            # is apertium's article.
            and (not re.search(r"[a-z]\.", form) or form.casefold() not in pair.target.casefold())
        ] + self._garbled_initials(pair)

    def _garbled_initials(self, pair: TranslationPair) -> list[Finding]:
        """Initials with full stops that came back with a word inside ("S.Un.Un." for "S.A.A."): the engine read a
        letter as an article. Initials the target writes its own way ("EE. UU." for "U.S.") start otherwise."""
        source_forms = {m.group() for m in _INITIALS.finditer(pair.source)}
        findings = []
        for match in _GARBLED.finditer(pair.target):
            garbled = match.group()
            pieces = garbled.rstrip(".").split(".")
            if garbled in source_forms or not any(len(piece) > 1 for piece in pieces):
                continue
            for form in source_forms:
                letters = form.rstrip(".").split(".")
                if len(letters) == len(pieces) and letters[0] == pieces[0]:
                    findings.append(
                        Finding(
                            self.name,
                            Severity.HOLD,
                            f"“{garbled}” is the source's “{form}” with a word inside: the engine read a letter as "
                            "a word",
                            match.start(),
                            match.end(),
                        )
                    )
                    break
        return findings

    def _split_numbered(self, pair: TranslationPair) -> list[Finding]:
        """A numbered name split by a word the engine put inside ("ATP nuevo 250" for "ATP 250"): no translator
        does that, whoever protected the name."""
        findings = []
        for term in dict.fromkeys(pair.protected_terms):
            numbered = _NUMBERED_NAME.fullmatch(term)
            if numbered is None or term in pair.target:
                continue
            name, number = numbered.group(1), numbered.group(2)
            pattern = rf"(?<!\w){re.escape(name)}(?:\s+[^\W\d_]+){{1,2}}\s+{re.escape(number)}(?![\w])"
            for match in re.finditer(pattern, pair.target):
                findings.append(
                    Finding(
                        self.name,
                        Severity.HOLD,
                        f"the name “{term}” is split by a word inside it: “{match.group()}”",
                        match.start(),
                        match.end(),
                    )
                )
        return findings

    def _term_finding(
        self,
        term: str,
        tokens: list[Token],
        rejected: frozenset[str] | None,
        fused_names: set[str],
        pair: TranslationPair,
    ) -> Finding | None:
        """A protected term that is missing or altered, named whole; None when it came through."""
        if term in pair.target:
            return None
        parts = [t.text for t in words(term) if len(t.text) >= _MIN_TAIL]
        lost = [p for p in parts if p not in fused_names and not any(self._carries(t.text, p) for t in tokens)]
        if not lost:
            return None
        for part in lost:
            near = self._near_miss(part, tokens, rejected, pair.source)
            if near is not None:
                # A name masking found, rendered by a person ("Alto Palatinado"), only warns, as when it is missing.
                return Finding(
                    self.name,
                    Severity.WARN if term in pair.masked_names else Severity.HOLD,
                    f"the protected term “{term}” appears altered as “{near.text}”",
                    near.start,
                    near.end,
                )
        if term in pair.masked_names:
            # The engine never saw it (it was masked), so a translator rendered it: "Douro Winegrowers' Association"
            # as "Associação de Viticultores do Douro". The publisher's own terms must stay.
            return Finding(
                self.name,
                Severity.WARN,
                f"the name “{term}”, which masking kept from the engine, is not in the translation: a translator "
                "rendered it",
                *whole_target(pair),
            )
        return Finding(self.name, Severity.HOLD, f"the protected term “{term}” is missing", *whole_target(pair))

    def _hyphen_fused(
        self, token: Token, names: frozenset[str], fused_names: set[str], pair: TranslationPair
    ) -> Finding | None:
        """A name hyphenated to a target word the source does not join it to ("Halcyon-satèl·lit")."""
        head, _, tail = token.text.partition("-")
        heads = {name.split("-")[0] for name in names}
        if not tail or head not in heads or head in fused_names or token.text in pair.source:
            return None
        if not tail[:1].islower() or zipf(tail.split("-")[0], pair.target_primary) < _WORD_FLOOR:
            return None
        fused_names.add(head)
        return Finding(
            self.name,
            Severity.HOLD,
            f"the name “{head}” is joined to the word “{tail}” in “{token.text}”",
            token.start,
            token.end,
        )

    @staticmethod
    def _carries(text: str, name: str) -> bool:
        """Whether a target word is the name, inflected, or a hyphenated compound with it."""
        for part in text.replace("’", "-").replace("'", "-").split("-"):
            if part.startswith(name) and len(part) - len(name) <= _INFLECTION:
                return True
        return False

    def _fused(
        self, token: Token, names: frozenset[str], vocabulary: frozenset[str], pair: TranslationPair
    ) -> tuple[str, Finding] | None:
        text = token.text
        for name in names:
            if not text.startswith(name) or len(text) - len(name) < _MIN_TAIL:
                continue
            rest = text[len(name) :]
            if rest[0] in "-'’" or _DEMONYM_ENDING.fullmatch(rest):
                # "Berneses", "bernois", "quebequense": the people of a place, not the place fused with a word.
                continue
            for inflection in range(_INFLECTION + 1):
                tail = rest[inflection:]
                if len(tail) < _MIN_TAIL:
                    break
                folded = tail.casefold()
                if zipf(folded, pair.target_primary) >= _WORD_FLOOR or (
                    folded in vocabulary and zipf(folded, pair.source_primary) >= _WORD_FLOOR
                ):
                    return name, Finding(
                        self.name,
                        Severity.HOLD,
                        f"the name “{name}” is fused with the next word in “{text}” (“{tail}”)",
                        token.start,
                        token.end,
                    )
        return None

    @staticmethod
    def _near_miss(name: str, tokens: list[Token], rejected: frozenset[str] | None, source: str) -> Token | None:
        """The target word most like ``name`` that the target's speller rejects: a word it accepts ("Múnich" for
        "Munich") is the target's own form of the name, not damage to it."""
        if len(name) < _MIN_NEAR_MISS_LENGTH:
            return None
        best: Token | None = None
        best_ratio = _NEAR_MISS
        for token in tokens:
            if not token.text[:1].isupper() or (rejected is not None and token.text not in rejected):
                continue
            # A word of the source itself, or a shortening of the name ("Malaysia" for "Malaysian"), is not an
            # alteration of it.
            if token.text in source or name.startswith(token.text):
                continue
            ratio = SequenceMatcher(None, name, token.text[: len(name) + _INFLECTION]).ratio()
            if ratio >= best_ratio:
                best, best_ratio = token, ratio
        return best


check = ProtectedNamesCheck()
