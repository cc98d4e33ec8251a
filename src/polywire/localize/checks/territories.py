"""Country, region, language and major city names left in the source language's form: "el Netherlands", "de
Kenya", "en New York" in Spanish, "traduïda a English" in Catalan.

An engine that does not know a country's name keeps it as the source writes it, and a capitalised word kept
verbatim looks like a name kept on purpose. For countries, world regions and languages CLDR knows the name in
every language we serve (through Babel), so here a kept English form is a defect we can name with its fix: Spanish
writes "Países Bajos", "Kenia" and "inglés". Where the target language writes the same name ("Kenya" in French)
nothing is wrong. Of cities CLDR translates only those that name time zones (about 400: "New York" → "Nueva
York", "Mexico City" → "Ciudad de México"); other cities, rivers and places are beyond it and are not judged
here.

This module is a helper for ``source_words``, not a check: it has no ``check`` and cannot be named in a chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

from babel import Locale, UnknownLocaleError
from babel.dates import get_timezone, get_timezone_location

from polywire.localize.checks.base import TranslationPair
from polywire.localize.checks.lexicon import misspelt, zipf

# Names CLDR has replaced that news copy still uses, with their territory codes.
_OLDER_NAMES = {"Turkey": "TR", "Czech Republic": "CZ", "Burma": "MM", "Holland": "NL", "Ivory Coast": "CI"}
# Country names that are as often given names ("Jordan said …"): a person kept verbatim is no defect.
_ALSO_GIVEN_NAMES = frozenset({"Jordan", "Chad", "Israel"})


@dataclass(frozen=True, slots=True)
class KeptTerritory:
    """An English territory or language name kept in the target, and what the target language calls it."""

    start: int
    end: int
    source_name: str
    target_name: str
    # CLDR's code: a territory ("NL", "150") or a language ("lang:en").
    code: str


@cache
def _names(language: str) -> dict[str, str]:
    """Territory code → name in ``language`` (a BCP 47 tag), and ``lang:`` + ISO 639-1 code → the name of that
    language ("lang:en" → "inglés"); empty when CLDR does not know the language."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return {}
    names = dict(locale.territories)
    # Languages with a two-letter code are the widely known ones; CLDR also names hundreds of others ("Ewe", "Fon").
    names.update({f"lang:{code}": name for code, name in locale.languages.items() if len(code) == 2})
    # The cities that name time zones ("America/New_York" → "Nueva York"), the only cities CLDR translates.
    for zone in _ZONES:
        city = get_timezone_location(get_timezone(zone), locale=locale, return_city=True)
        if "," not in city:
            names[f"city:{zone}"] = city
    return names


def _zones() -> tuple[str, ...]:
    return tuple(
        sorted(
            zone
            for zone in available_timezones()
            if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
        )
    )


_ZONES = _zones()


# How English makes a nationality adjective of a country's name: "Chile" → "Chilean", "Tunisia" → "Tunisian",
# "Mexico" → "Mexican", "Congo" → "Congolese".
_DEMONYM_ENDINGS = ("an", "ian", "ese", "ish", "i", "ic")
_DEMONYM_ZIPF = 2.0


@cache
def english_demonyms() -> frozenset[str]:
    """Nationality adjectives English makes regularly from CLDR's country names ("Chilean", "Tunisian", "Kenyan");
    irregular ones ("Peruvian", "Spanish") are not listed."""
    found: set[str] = set()
    for code, name in _names("en").items():
        if ":" in code or not code.isalpha() or " " in name:
            continue
        for stem in {name, name[:-1]} if name[-1] in "aeoy" else {name}:
            # "-i" joins a whole name ("Israeli", "Omani"); on a shortened one it makes surnames ("Ghani").
            endings = _DEMONYM_ENDINGS if stem == name else tuple(e for e in _DEMONYM_ENDINGS if e != "i")
            found.update(stem + ending for ending in endings if stem + ending != name)
    # Only forms English texts use ("Chilean", not "Chileese"), and only adjectives of a place: a word the English
    # speller knows in lowercase ("cubic", "italic", "chili") is another word.
    used = {word for word in found if zipf(word.casefold(), "en") >= _DEMONYM_ZIPF}
    lowercase = misspelt("en", frozenset(word.casefold() for word in used))
    if lowercase is None:
        return frozenset(used)
    return frozenset(word for word in used if word.casefold() in lowercase)


@cache
def english_place_names() -> frozenset[str]:
    """The English names of the countries, regions and cities CLDR translates ("Rwanda", "New York")."""
    return frozenset(name for code, name in _names("en").items() if not code.startswith("lang:"))


def english_city_names() -> frozenset[str]:
    """The English names of the cities CLDR translates ("New York", "Mexico City"), for masking to leave alone."""
    return frozenset(name for code, name in _names("en").items() if code.startswith("city:"))


@cache
def _source_pattern(language: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    by_name = {name: code for code, name in _names(language).items() if len(name) > 3}
    if language == "en":
        by_name.update(_OLDER_NAMES)
    for name in _ALSO_GIVEN_NAMES:
        by_name.pop(name, None)
    if not by_name:
        return None
    body = "|".join(re.escape(name) for name in sorted(by_name, key=len, reverse=True))
    # A hyphen may follow ("Tokyo-based"): the name is still the source's, kept or not.
    return re.compile(rf"(?<![\w-])(?:{body})(?!\w)"), by_name


def kept_territories(pair: TranslationPair) -> list[KeptTerritory]:
    """Territory names of the source that the target keeps in the source's form where its own differs."""
    source = _source_pattern(pair.source_primary)
    target_names = _names(pair.target_lang) or _names(pair.target_primary)
    if source is None or not target_names:
        return []
    pattern, codes = source
    found = []
    for name in dict.fromkeys(m.group() for m in pattern.finditer(pair.source)):
        target_name = target_names.get(codes[name])
        # Nothing to fix where the target writes the name the same way, or around it ("Cairo" in "El Cairo",
        # "Santiago" in "Santiago de Chile"). Accents count: Spanish writes "Zúrich" and "Bogotá".
        if target_name is None or name.casefold() in target_name.casefold() or target_name in pair.target:
            continue
        for kept in pattern.finditer(pair.target):
            if kept.group() == name:
                found.append(KeptTerritory(kept.start(), kept.end(), name, target_name, codes[name]))
    return found
