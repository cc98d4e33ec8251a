"""Finding the names in a source text that masking keeps away from the engine (see protect.py).

Engines translate names as words: apertium writes "Cometa 7" for the scooter "Kite 7", "Órbita 4.1" for the
software "Orbit 4.1", "Energía de Siemens" for "Siemens Energy". A name found here is masked and comes back
verbatim; everything else is the engine's to translate.

What counts as a name, in English text:

- **Runs** of two or more capitalised words ("Christian Bruch", "Siemens Gamesa", "New York Times"), optionally
  joined by a particle (von, van, de, da, del, der, di, du, la, le, bin, al, &) or an elided one ("Port
  d'Alcúdia", "Val d'Isère": a name in its own language, kept whole). Titles, calendar words, pronouns and common
  sentence openers (Chief, Executive, President, Monday, March, The, However …) are never part of a name, which is
  how a run at the start of a sentence avoids swallowing the ordinary word capitalised by position; an opener we
  do not list ("Analysts Christian Bruch …") is masked with the name and stays untranslated.
- **Descriptions** are not names, though capitalised: a run of common English words ending in the head noun of a
  public body or an event ("National Statistics Office", "International Symposium"), and what follows it after
  of/on/for ("… on Coastal Erosion", "… of Fine Arts"), is rendered by a translator ("Simposio Internacional sobre
  Erosión Costera"), so it is left to the engine. Geographic head nouns beside a proper name ("River Wey", "Lake
  Geneva", "County Sligo") are translated and only the proper part is kept. Countries and the cities CLDR names in
  every language ("New Zealand", "New York") are left to the engine, which knows them ("Nueva York").
- **A product with a number** ("Kite 7", "Atlas 3.2", "ATP 250"): a capitalised word or an acronym followed by a
  number, unless the word is a generic numbered noun ("Phase 2", "Terminal 5") or a currency code, or the number is
  a year or a quantity ("Revenue 4 million").
- **Legal forms** end a company's name: "plc" joins it, and forms written with full stops ("S.A.", "S.p.A.") are
  masked on their own by protect.py.
- **A single capitalised word inside a sentence that is also an ordinary English word** ("Quillon released Atlas",
  "Apple said"): the capital says it names something, and the engine would translate the word. Not after a
  determiner ("the Company", a defined term), not a country or a place the English dictionary spells only with a
  capital ("Lisbon" may become "Lisboa"), and not inside a longer name ("Minister of Finance").

Limits: it is tuned for languages that capitalise only names (not German, where every noun is capitalised, so it
is off for de and lb); other multi-word place and institution names ("Gotthard Base Tunnel", "Aurora Bank") are
kept in the source language, which is safe but not always idiomatic: list their translations in the glossary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel import Locale
from babel.numbers import list_currencies
from wordfreq import zipf_frequency

from polywire.localize.checks.lexicon import misspelt
from polywire.localize.checks.territories import english_city_names

_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
PARTICLES = frozenset(
    {"von", "van", "de", "da", "do", "dos", "das", "del", "della", "der", "den", "des", "di", "du", "la", "le", "bin"}
    | {"al", "&"}
)
# Lowercase legal forms that end a company's name: "Pennant Hill Group plc".
_LEGAL_FORMS = frozenset({"plc"})
# A place made an adjective ("Monterrey-based", "London-listed"): the place is a name, the rest an English word.
PLACE_ADJECTIVE_SUFFIX = r"-(?:based|born|listed|headquartered|owned|registered|made|bound)(?!\w)"
PLACE_ADJECTIVE = re.compile(PLACE_ADJECTIVE_SUFFIX + "$")
# Legal forms written with full stops end a company's name; masking keeps them whole (see protect), because apertium
# reads "S.A." as "S." + the article "A" and writes "S.Un.".
LEGAL_FORM_WITH_STOPS = re.compile(
    r"(?<![\w.])(?:S\.A\.B\. de C\.V\.|S\.A\. de C\.V\.|S\. de R\.L\.(?: de C\.V\.)?|"
    r"S\.A\.S\.|S\.p\.A\.|S\.A\.A\.|S\.A\.C\.|S\.A\.E\.|S\.A\.|S\.L\.U\.|S\.L\.|N\.V\.|B\.V\.|"
    r"S\.R\.L\.|S\.r\.l\.|S\.à r\.l\.|"
    r"[Ss]p\. z o\.o\.|A\.G\.|K\.K\.|a\.s\.|spol\. s r\.o\.|s\.r\.o\.|d\.o\.o\.|d\.d\.|a\.d\.|"
    r"S\.C\.A\.|S\.C\.S\.|e\.V\.)(?!\w)"
)
# Particles before a capitalised word: a surname on its own ("Ms van der Werff", "de la Fuente").
_PARTICLE_NAME = re.compile(r"(?:\s+(?:von|van|de|da|del|der|den|di|du|la|le)\b)*\s+[^\W\d_a-z]")
# An elided particle glued to a capitalised name: "d'Alcúdia", "l'Hospitalet", "dell'Arte".
_ELIDED = re.compile(r"(?:d|l|dell|dall|nell|sull|all)['’][^\W\d_a-z]", re.UNICODE)
# Capitalised words that are not part of a name: titles, calendar words, pronouns and sentence openers.
_NOT_NAME = frozenset(
    """
    I A An The This That These Those It He She We They You Our Its His Her Their In On At For By From With And Or But
    If As Of To Mr Mrs Ms Dr Prof Professor Sir Chief Executive Officer Financial Operating Technology President Vice
    Chairman Chairwoman Chair Director Minister Secretary Senator Governor Mayor Head Founder CEO CFO COO CTO
    Today Yesterday Tomorrow Tonight Earlier Later Last Next Meanwhile However Also Both Each Every All Some
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
    September October November December
    """.split()  # noqa: SIM905 - a word list reads better as text than as a hundred quoted strings.
)
# Languages whose capital letters do not mark names (German capitalises every noun).
_NAME_HEURISTIC_OFF = frozenset({"de", "lb"})

# Head nouns of public bodies, institutions and well-known places. A run like "National Statistics Office" or
# "European Medicines Agency", made only of common English words and ending in one of these, is a description a
# translator renders in the target language ("Oficina Nacional de Estadística"), not a brand to keep: masking it
# left it in English.
# Companies ("Aurora Bank", "Siemens Energy") are not listed: their names stay as they are.
INSTITUTION_HEADS = frozenset(
    """
    office agency ministry department commission authority council committee court parliament assembly service
    university institute inspectorate directorate administration bureau board tribunal senate chamber government
    library museum union regulator republic kingdom states nations america europe africa asia sea ocean time
    organization organisation
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# A bank is a company ("Aurora Bank") unless one of these says it is public: "World Bank", "European Investment
# Bank", "Central Bank" ("Banco Mundial", "Banco Europeo de Inversiones").
_PUBLIC_BANK_WORDS = frozenset("world central development investment reserve reconstruction".split())  # noqa: SIM905
# Head nouns of events and academies: "International Symposium on Coastal Erosion" is rendered "Simposio
# Internacional sobre Erosión Costera". Masking leaves these to the engine; the gate does not hold one kept in
# English (see checks/vocabulary.generic_bodies), because some events keep an English brand ("Web Summit").
_EVENT_HEADS = frozenset(
    """
    conference symposium congress summit forum festival exhibition fair expo convention championship
    championships games awards academy conservatory workshop seminar
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Common nouns of geography that stand beside a proper name in English ("River Wey", "Lake Geneva", "Saint-Aubin
# Bridge"); a translator renders them ("río Wey", "lago de Ginebra"), so they are not masked with the name.
GEOGRAPHIC_HEADS = frozenset(
    """
    river lake bridge mount mountain mountains bay island islands valley canal strait gulf cape peninsula desert
    forest park harbour harbor port estuary city county province lowland lowlands plain plains delta basin plateau
    glacier lagoon
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Nouns numbered in ordinary prose, which a translator translates: "Phase 2" → "fase 2", "Terminal 5".
_NUMBERED_NOUNS = frozenset(
    """
    phase stage step level tier grade class category type group division unit block building hall floor gate
    terminal platform pier runway track line route road highway lane exit zone area sector lot plot section article
    chapter clause schedule annex appendix figure table item point number no page part round week day year
    quarter half season episode series scope term lane ward district region province sample trial study wave
    """.split()  # noqa: SIM905 - a word list reads better as text
)
_COMMON_WORD_ZIPF = 3.0  # wordfreq's scale: 3 is about once per million words
# A sentence opener this common is an ordinary word: "Developer" 4.2, "Analysts" 3.8; "Siemens" 3.3 is a name.
_OPENER_ZIPF = 3.5
# A word this common opening a sentence before a number is prose, not a product: "Since 2019", "Around 40".
_PROSE_ZIPF = 4.5
_SENTENCE_START = re.compile(r"(?:^|[.!?:;][\"'”’)]*\s+|[\"“‘(\[]\s*|\n\s*)$")
_DETERMINERS = frozenset(
    "the a an this that these those its our their his her your each every any no such".split()  # noqa: SIM905
)
_JOINERS = frozenset({"of", "on", "for", "in", "and", "&"})
_JOINED_DESCRIPTION = re.compile(r"\s+(?:of|on|for|in|and|&)\s+(?:the\s+)?$")
_NUMBER_AFTER = re.compile(
    r"\s(?P<number>\d+(?:\.\d+)*)(?!\d|[.,]\d)"
    # Not a quantity: no unit, scale word or currency after the number.
    r"(?!\s?(?:%|percent|per cent|[kMGT]W|[kMG]Wh|km|kg|m\b|mm|cm|MW|GW|t\b|tonnes|tons|million|billion|thousand|"
    r"trillion|bn|mn|hours?|days?|years?|months?|weeks?|minutes?|people|units|[€$£¥]))"
)
_YEAR = re.compile(r"(?:19|20)\d\d")


def _countries() -> frozenset[str]:
    # English names of countries and regions ("China", "Chile"): the engine translates them. CLDR holds today's
    # names only, so the names news copy still uses are added ("Turkey" for Türkiye).
    older = {"Turkey", "Burma", "Holland", "Britain", "England", "Scotland", "Wales", "Swaziland", "Macedonia"}
    return frozenset(Locale("en").territories.values()) | older


_COUNTRIES = _countries()
# Words English capitalises for one thing each, which other languages name in their own words: the Earth, the
# Moon, the Treasury, Parliament. They are not brands.
_COMMON_PROPER = frozenset(
    """
    Earth Moon Sun Mercury Venus Mars Jupiter Saturn Uranus Neptune Treasury Cabinet Army Navy Police Church Crown
    State Internet Web Bible Pope
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# ISO 4217 codes: "NOK 4.50" is an amount, not the product "NOK".
_CURRENCIES = frozenset(list_currencies())
# Cities CLDR names in every language ("New York" → "Nueva York"): the engine may translate them.
_CLDR_CITIES = english_city_names()
# English names of languages, which are also the nationality adjectives ("German", "Dutch", "French"): the English
# dictionary knows some in lowercase ("to french"), but they are adjectives the engine translates.
_LANGUAGES = frozenset(name for name in Locale("en").languages.values() if " " not in name)


@dataclass(frozen=True, slots=True)
class NameSpan:
    """Where a name stands in the text."""

    start: int
    end: int


def primary_language_of(tag: str) -> str:
    return tag.replace("_", "-").split("-")[0].lower()


def names_apply(source: str) -> bool:
    """Whether capital letters mark names in language ``source``, so that names can be found by them."""
    return primary_language_of(source) not in _NAME_HEURISTIC_OFF


def _common(word: str) -> bool:
    return word in PARTICLES or zipf_frequency(word.casefold(), "en") >= _COMMON_WORD_ZIPF


def generic_institution(words: list[str], source: str, *, events: bool = False) -> bool:
    """Whether a run of capitalised words is the generic name of a public body ("National Statistics Office"),
    or with ``events`` also of an event or academy ("International Symposium"): common English words ending in a
    head noun."""
    heads = INSTITUTION_HEADS | _EVENT_HEADS if events else INSTITUTION_HEADS
    public_bank = words[-1] == "Bank" and any(word.casefold() in _PUBLIC_BANK_WORDS for word in words[:-1])
    if primary_language_of(source) != "en" or (words[-1].casefold() not in heads and not public_bank):
        return False
    return all(_common(word) for word in words)


def opens_sentence(text: str, position: int) -> bool:
    """Whether the word at ``position`` opens a sentence, a line, a quotation or a bracket."""
    return bool(_SENTENCE_START.search(text[:position]))


def name_candidates(text: str, source: str = "en") -> list[NameSpan]:
    """The names of ``text`` that masking should keep from the engine (see the module's docstring)."""
    finder = _NameFinder(text, source)
    found = finder.runs()
    found += [s for s in finder.numbered_products() if not any(f.start <= s.start < f.end for f in found)]
    found += [s for s in finder.lone_names() if not any(f.start <= s.start < f.end for f in found)]
    return sorted(found, key=lambda span: span.start)


class _NameFinder:
    """One pass over a text: runs of capitalised words, numbered products and lone names."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.english = primary_language_of(source) == "en"
        # Single capitalised words left over by the run pass, for the lone-name test.
        self.lone: list[re.Match[str]] = []
        # Where the last description ended ("International Symposium"), so that "… on Coastal Erosion" joins it.
        self.description_end = -1

    def runs(self) -> list[NameSpan]:
        candidates: list[NameSpan] = []
        run: list[re.Match[str]] = []
        legal_forms = [form.span() for form in LEGAL_FORM_WITH_STOPS.finditer(self.text)]
        for match in _WORD.finditer(self.text):
            word = match.group()
            if any(start <= match.start() < end for start, end in legal_forms):
                # "S.p.A." ends the name before it; its letters are no words of the name.
                candidates += self._close(run)
                continue
            joined = bool(run) and self.text[run[-1].end() : match.start()] == " "
            capitalised = (
                word[0].isupper()
                and word not in _NOT_NAME
                and not word.endswith(("'s", "’s"))
                # "Monterrey-based", "London-listed": an adjective made of a place, not part of a company's name.
                and not PLACE_ADJECTIVE.search(word)
            ) or bool(_ELIDED.match(word))
            if capitalised and (joined or not run):
                run.append(match)
            elif capitalised:
                candidates += self._close(run)
                run.append(match)
            elif (word in PARTICLES or word in _LEGAL_FORMS) and joined:
                run.append(match)
            elif word in PARTICLES and word != "&" and _PARTICLE_NAME.match(self.text, match.end()):
                # "van der Werff" with no first name before it: the particle opens the surname.
                candidates += self._close(run)
                run.append(match)
            else:
                candidates += self._close(run)
            # A possessive ends the name that precedes it: "Siemens Energy's" → "Siemens Energy".
            if word.endswith(("'s", "’s")) and word[0].isupper() and word[:-2] not in _NOT_NAME:
                stem = re.match(r"[^'’]+", word)
                if stem and (not run or self.text[run[-1].end() : match.start()] == " "):
                    close_match = re.compile(re.escape(stem.group())).match(self.text, match.start())
                    if close_match:
                        run.append(close_match)
                candidates += self._close(run)
        candidates += self._close(run)
        return candidates

    def _close(self, run: list[re.Match[str]]) -> list[NameSpan]:
        words = list(run)
        run.clear()
        # Particles may join a name but not end it ("Banco de").
        while words and words[-1].group() in PARTICLES:
            words.pop()
        if not words:
            return []
        # A name with an elided particle is in its own language ("Port d'Alcúdia"): kept whole.
        if any(_ELIDED.match(word.group()) for word in words[1:]):
            return [NameSpan(words[0].start(), words[-1].end())]
        # A common word that opens a sentence is capitalised by position, not as part of the name: "Developer Caledon
        # Hydro said" masks "Caledon Hydro" and leaves "Developer" to the engine. A run of two ("General Motors")
        # keeps its first word, since one word alone is no name to protect.
        if (
            len(words) > 2
            and opens_sentence(self.text, words[0].start())
            and zipf_frequency(words[0].group().casefold(), "en") >= _OPENER_ZIPF
            # "Van den Bosch succeeds …": a particle after it makes the first word the name's own.
            and words[1].group() not in PARTICLES
        ):
            words.pop(0)
        texts = [word.group() for word in words]
        if self.english and (" ".join(texts) in _CLDR_CITIES or " ".join(texts) in _COUNTRIES):
            # "New York", "New Zealand": CLDR and the engines know these places' names in other languages.
            return []
        if self.english and self._continues_description(words):
            self.description_end = words[-1].end()
            return []
        if len(words) >= 2 and generic_institution(texts, self.source, events=True):
            self.description_end = words[-1].end()
            return []
        # A geographic head noun is a word to translate, only the proper part is a name: "River Wey" → "río Wey",
        # "Saint-Aubin Bridge" → "puente Saint-Aubin".
        if len(words) >= 2 and self.english:
            if texts[0].casefold() in GEOGRAPHIC_HEADS:
                words = words[1:]
            elif texts[-1].casefold() in GEOGRAPHIC_HEADS:
                words = words[:-1]
            # What is left is masked when it looks like a name, not a common word ("Port Authority" is no port).
            if len(words) == 1:
                if words[0].group() not in PARTICLES and zipf_frequency(words[0].group().casefold(), "en") < 4.0:
                    return [NameSpan(words[0].start(), words[0].end())]
                return []
        if sum(1 for word in words if word.group() not in PARTICLES) >= 2 or (
            words[0].group() in PARTICLES and len(words) >= 2
        ):
            return [NameSpan(words[0].start(), words[-1].end())]
        if len(words) == 1 and self.english and texts[0].casefold() in INSTITUTION_HEADS | _EVENT_HEADS:
            # "Museum of Modern Textiles", "University of Porto": a head alone opens a description too.
            self.description_end = words[0].end()
        elif len(words) == 1:
            self.lone.append(words[0])
        return []

    def _continues_description(self, words: list[re.Match[str]]) -> bool:
        """Common words right after a description and of/on/for/in: "International Symposium on Coastal Erosion"."""
        if self.description_end < 0 or not _JOINED_DESCRIPTION.fullmatch(
            self.text[self.description_end : words[0].start()]
        ):
            return False
        return all(_common(word.group()) for word in words)

    def numbered_products(self) -> list[NameSpan]:
        """A capitalised word and a number: "Kite 7", "Atlas 3.2"."""
        if not self.english:
            return []
        found = []
        for match in _WORD.finditer(self.text):
            word = match.group()
            number = _NUMBER_AFTER.match(self.text, match.end())
            # "Kite 7", or an acronym with its number ("ATP 250", "ISO 9001"); amounts ("NOK 4.50") are masked first.
            if number is None or not word[:1].isupper() or not (word[1:2].islower() or word.isupper()):
                continue
            if (
                word in _NOT_NAME
                or word in _CURRENCIES
                # A country or city before a figure is a score or a tally ("beat Spain 34–17"), not a product.
                or word in _COUNTRIES
                or word in _CLDR_CITIES
                or word.casefold() in _NUMBERED_NOUNS
                or _YEAR.fullmatch(number.group("number"))
            ):
                continue
            if opens_sentence(self.text, match.start()) and zipf_frequency(word.casefold(), "en") >= _PROSE_ZIPF:
                continue
            found.append(NameSpan(match.start(), number.end()))
        return found

    def lone_names(self) -> list[NameSpan]:
        """Single capitalised words inside a sentence that are also ordinary English words ("released Atlas")."""
        if not self.english:
            return []
        candidates = [match for match in self.lone if self._may_be_lone_name(match)]
        if not candidates:
            return []
        rejected = misspelt("en", frozenset(match.group().casefold() for match in candidates))
        if rejected is None:
            # Without an English dictionary we cannot tell "Atlas" (a word) from "Lisbon" (a place): leave both.
            return []
        return [NameSpan(m.start(), m.end()) for m in candidates if m.group().casefold() not in rejected]

    def _may_be_lone_name(self, match: re.Match[str]) -> bool:
        word = match.group()
        folded = word.casefold()
        if (
            len(word) < 3
            or not word[1:].islower()
            or _ELIDED.match(word)
            or word in _COUNTRIES
            or word in _LANGUAGES
            or word in _COMMON_PROPER
            or word in _CLDR_CITIES
            or folded in INSTITUTION_HEADS
            or folded in _EVENT_HEADS
            or folded in GEOGRAPHIC_HEADS
            or opens_sentence(self.text, match.start())
        ):
            return False
        before = self.text[: match.start()].split()
        previous = before[-1].casefold() if before else ""
        # "the Company" is a defined term; "Minister of Finance" a title; "Ministry of Health" a body.
        if previous in _DETERMINERS:
            return False
        if previous in _JOINERS and len(before) >= 2 and self._names_something(before[-2], match.start()):
            return False
        return not self._in_headline(match.start())

    def _names_something(self, word: str, position: int) -> bool:
        """Whether ``word``, two words before ``position``, is part of a longer name or title: "Minister" in
        "Minister of Finance", "Bank" in "Bank of England"; not "Shares" opening "Shares of Apple rose"."""
        if not word[:1].isupper():
            return False
        if word in _NOT_NAME or word.casefold() in INSTITUTION_HEADS or word.casefold() in _EVENT_HEADS:
            return True
        return not opens_sentence(self.text, self.text.rfind(word, 0, position))

    def _in_headline(self, position: int) -> bool:
        """Whether the line at ``position`` is written in title case, as headlines are: every word capitalised."""
        start = self.text.rfind("\n", 0, position) + 1
        end = self.text.find("\n", position)
        line_words = [w.group() for w in _WORD.finditer(self.text[start : end if end != -1 else len(self.text)])]
        long_words = [w for w in line_words if len(w) > 3]
        return len(long_words) >= 3 and sum(1 for w in long_words if w[:1].isupper()) / len(long_words) > 0.6
