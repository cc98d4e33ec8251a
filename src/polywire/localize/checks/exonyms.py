"""Places kept in their English form where the target language has its own: "Bavaria" for "Baviera", "Danube" for
"Danubio", "Piedmont" for "Piemonte".

CLDR (territories.py) knows countries and some cities; for rivers, regions and other cities the apertium lexicons
know many (`polywire.localize.gazetteer`). A source word is asked about when the translation keeps it verbatim and
it stands alone or beside words of position ("Lower Bavaria"): a word of a longer name ("Paris Hilton",
"Fuentes de Ebro") is kept with it. Whether the kept form is a defect is for the target's texts to say, as for
countries: the place's own form clearly more common (Zipf 0.3 or more) holds, otherwise it warns ("Porto" beside
"Oporto" in Spanish). The target's speller is no judge here: Catalan's knows "Bavaria", a brand.

This module is a helper for ``source_words``, not a check: it has no ``check`` and cannot be named in a chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from polywire.localize.checks.base import Token, TranslationPair
from polywire.localize.checks.lexicon import phrase_zipf, zipf
from polywire.localize.gazetteer import default_gazetteer
from polywire.localize.names import PARTICLES

# How much more common (Zipf) the target's own form of a place must be for the English form to hold; the same for
# countries and cities CLDR names (see `own_form_prevails`).
OWN_FORM_MARGIN = 0.3
# Capitalised words that may stand beside a place without making a longer name ("Lower Bavaria", "Northern
# Piedmont"); any other word makes one ("Baltic Book Fair", "Bavaria Yachts").
_PLACE_MODIFIERS = frozenset(
    "lower upper north south east west northern southern eastern western central greater inner outer".split()  # noqa: SIM905
)


@dataclass(frozen=True, slots=True)
class KeptExonym:
    """An English place name kept in the target, the target's own form of it, and whether that form prevails."""

    start: int
    end: int
    source_name: str
    target_name: str
    prevails: bool


def own_form_prevails(own: str, source_form: str, language: str) -> bool:
    """Whether ``language``'s texts clearly prefer a place's own form to the source's (by OWN_FORM_MARGIN): then
    the source's form kept holds, otherwise it warns."""
    return phrase_zipf(own, language) - phrase_zipf(source_form, language) >= OWN_FORM_MARGIN


def kept_exonyms(pair: TranslationPair) -> list[KeptExonym]:
    """Places of the source the target keeps in the source's form where a lexicon gives the target another."""
    kept = {t.text for t in pair.target_words if t.text[:1].isupper() and len(t.text) >= 4}
    candidates = [word for word in _lone_capitals(pair) if word in kept]
    if not candidates:
        return []
    places = default_gazetteer().places(candidates, pair.source_primary, pair.target_primary)
    found = []
    for word, forms in places.items():
        # The own form elsewhere in the translation excuses nothing: "Baviera" once and "Lower Bavaria" later is
        # the English form kept all the same.
        own = [form for form in forms if form.casefold() != word.casefold()]
        if not own or any(word.casefold() in form.casefold() for form in forms):
            continue
        best = max(own, key=lambda form: zipf(form.casefold(), pair.target_primary))
        prevails = own_form_prevails(best, word, pair.target_primary)
        for match in re.finditer(rf"(?<![\w-]){re.escape(word)}(?!\w)", pair.target):
            found.append(KeptExonym(match.start(), match.end(), word, best, prevails))
    return sorted(found, key=lambda kept_place: kept_place.start)


def _lone_capitals(pair: TranslationPair) -> list[str]:
    """Capitalised source words that stand alone, or beside words of position only ("Lower Bavaria"); not one of a
    name joined by a particle ("Fuentes de Ebro")."""
    lone: dict[str, None] = {}
    run: list[Token] = []
    for token in [*pair.source_words, None]:
        joined = token is not None and run and pair.source[run[-1].end : token.start] == " "
        # A particle joins a place's name ("Fuentes de Ebro") when a capitalised word follows it.
        if token is not None and joined and (token.text[:1].isupper() or token.text in PARTICLES):
            run.append(token)
            continue
        while run and run[-1].text in PARTICLES:
            run.pop()
        proper = [t.text for t in run if t.text.casefold() not in _PLACE_MODIFIERS]
        if len(proper) == 1:
            lone[proper[0]] = None
        run = [token] if token is not None and token.text[:1].isupper() else []
    return list(lone)
