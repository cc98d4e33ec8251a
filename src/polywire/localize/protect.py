"""Masking what must not be translated before the engine sees it, and putting it back exactly afterwards.

Engines mangle names and codes: apertium turns "Siemens Energy" into "Energía de Siemens", glues unknown names
to the next word, and rewrites amounts. So before translation every span that must survive is replaced by a
numbered placeholder ``⟦N⟧`` and, after translation, each placeholder is replaced by the original (or, for a
forced glossary term, by the term's translation, and for an amount, by the same figure in the target language's
notation: see amounts.py). Each occurrence gets its own number, so a placeholder the
engine dropped or repeated is reported in a `RestoreReport` for the quality gate rather than going unnoticed.

Why ``⟦N⟧``: of the shapes we tried (``ZZP1ZZ``, ``__P1__``, ``{1}``, ``[[1]]``, ``⟦1⟧``), it and ``{1}`` came
through every installed apertium pair and ``-f html`` byte for byte and unmarked, without sticking to the next
word; words like ``ZZP1ZZ`` come back marked ``*`` and ``[[1]]`` picks up the next suffix. Apertium treats it as
punctuation, which costs some grammar around the name (an adjective before it is no longer reordered; "X's"
loses its possessive), the price of the name coming back intact. Restoring tolerates a mark before it.

What is masked, in order of precedence when spans overlap: URLs and e-mail addresses; the publisher's
do-not-translate terms (case-sensitive) and forced glossary terms (case-insensitive); tickers ("NYSE: SIE",
"(ETR: ENR)" keeps its brackets outside, "$AAPL"); amounts with a currency and an optional scale word
("€1.2 billion", "USD 400 million"), percentages ("12.5 %") and numbers with a unit ("400 MW"); with a target
language, figures with digit groups or decimals ("350,000", "2.75"), which come back in its notation; hashtags
and @handles; and names.

Which runs of words are names is names.py's to say.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from polywire.localize.amounts import localise_amount
from polywire.localize.dates import DATE, TIME, date_span, localise_date, localise_time
from polywire.localize.html import split_markup
from polywire.localize.links import BARE_DOMAIN
from polywire.localize.names import LEGAL_FORM_WITH_STOPS, name_candidates, names_apply, primary_language_of


class Kind(StrEnum):
    """Why a span was protected; the quality gate words its findings by this."""

    URL = "url"
    EMAIL = "email"
    TERM = "term"
    GLOSSARY = "glossary"
    TICKER = "ticker"
    AMOUNT = "amount"
    FIGURE = "figure"
    DATE = "date"
    CODE = "code"
    HANDLE = "handle"
    NAME = "name"


# Lower is stronger: when two candidate spans overlap, the stronger one is kept.
_PRECEDENCE: Mapping[Kind, int] = {
    Kind.URL: 0, Kind.EMAIL: 0, Kind.TERM: 1, Kind.GLOSSARY: 1, Kind.TICKER: 2, Kind.AMOUNT: 3, Kind.FIGURE: 3,
    Kind.DATE: 3, Kind.CODE: 3, Kind.HANDLE: 4, Kind.NAME: 5,
}  # fmt: skip

PLACEHOLDER = "⟦{index}⟧"
# A placeholder in engine output: apertium may put a mark before it and some engines add spaces inside it. In
# HTML mode apertium binds inline tags to words, and the word of "⟦1⟧" is "1": "<b>⟦1⟧</b>" comes back as
# "⟦<b>1</b>⟧". The tags caught inside the brackets are moved back around the restored text. Apertium also
# reads the brackets as punctuation it may move words across: es→fr turns "aproximadamente ⟦5⟧" into
# "⟦environ 5⟧", or "⟦est en train de retirer 2⟧". Up to six words caught inside are put back beside the restored
# text, on the side they were.
# And pt once came back with the number pushed out of its brackets, "2 ⟦⟧": empty brackets never occur otherwise.
_INTRUDERS = r"(?:[^\W\d_][\w'’\-]*\s+){0,6}"
_PLACEHOLDER_FOUND = re.compile(
    r"(?<![\d.,])(?P<outside>\d+)\s?⟦\s*⟧"
    rf"|[*#@]*⟦(?P<opening>(?:\s*<[^<>]+>)*)\s*(?P<before>{_INTRUDERS})(?P<number>\d+)"
    r"(?P<after>(?:\s+[^\W\d_][\w'’\-]*){0,6})\s*(?P<closing>(?:<[^<>]+>\s*)*)⟧"
)

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\b")
_HANDLE = re.compile(r"(?<![\w&/#@])[#@][^\W\d_]\w*")
_EXCHANGES = (
    "NYSE American|NYSE|NASDAQ|Nasdaq|AMEX|ETR|XETRA|Xetra|FWB|FRA|LSE|LON|TSXV|TSX|ASX|HKEX|HKG|SGX|SIX|SWX|EPA|"
    "Euronext|AMS|BIT|BME|OMX|STO|HEL|CPH|OSE|TYO|TSE|KRX|KOSDAQ|NSE|BSE|JSE|OTCQX|OTC|BMV|BVMF|WSE|VSE"
)
_TICKER = re.compile(rf"\b(?:{_EXCHANGES})\s?:\s?[A-Z0-9][A-Z0-9.\-]{{0,9}}(?<![.\-])|(?<![\w$])\$[A-Z]{{1,5}}\b")

# Digits with thousands separators (comma, dot, thin or no-break space) and a decimal part, or plain digits.
_NUMBER = r"\d{1,3}(?:[,.\u202f\u00a0]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE_WORDS = r"trillion|billion|million|thousand|crores?|lakhs?|bn|mn|mln|bln|m|k|Mrd\.|Mio\."
_SCALE = rf"(?:\s?(?:{_SCALE_WORDS})\b)?"
_CURRENCY_SYMBOL = r"(?:US\$|NZ\$|A\$|C\$|HK\$|R\$|S\$|[€$£¥₹₩₽₺₪฿])"
_CURRENCY_CODE = (
    r"(?:EUR|USD|GBP|JPY|CHF|CNY|RMB|SEK|NOK|DKK|PLN|CZK|HUF|INR|KRW|BRL|CAD|AUD|HKD|SGD|MYR|IDR|THB|VND|RUB|TRY|"
    r"ZAR|MXN|PEN|CLP|ARS|UYU|NZD|EGP|NGN|KES|GHS|MAD|SAR|AED|QAR|KWD|ILS|PHP|PKR|BDT|LKR|TWD|UAH|RON|BGN|ISK|XOF|"
    # Not COP, TOP, ALL or CUP, which are English words or summits ("COP 30") as often as currencies.
    r"TZS|UGX|ZMW|ETB)"
)
_UNIT = (
    r"%|‰|[kMGT]Wh?|[kMG]Wp|kV|MVA|km²|km|m²|m³|kg|mg|Mt|Gt|tCO2e?|°[CF]|mph|km/h|GB|TB|MB|GHz|MHz|nm|mm|cm|bbl|"
    r"boe|bps"
)
_AMOUNT = re.compile(
    rf"(?:{_CURRENCY_SYMBOL}\s?|\b{_CURRENCY_CODE}\s)(?:{_NUMBER}){_SCALE}"
    rf"|\b(?:{_NUMBER}){_SCALE}\s?(?:{_CURRENCY_SYMBOL}|{_CURRENCY_CODE}\b)"
    rf"|\b(?:{_NUMBER})\s?(?:{_UNIT})(?![\w²³])"
)

# A figure written with digit groups or decimals ("350,000", "2.75"): left to the engine it comes back in the
# source's notation, which the target language reads as another number ("350,000" is 350 in Spanish). Whole
# numbers without separators need nothing; dotted runs (versions, addresses: "1.2.3") are not figures.
_FIGURE = re.compile(
    r"(?<![\w.,])(?:(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![.,]?\d)(?!\w)(?!-[^\W\d_])"
    # A figure with an English scale word but no currency or unit ("412 billion"): apertium writes "412 bilions",
    # which is 10¹⁴ in Catalan.
    r"(?:\s(?:trillion|billion|million)\b)?|\d+\s(?:trillion|billion|million)\b)"
)
# A decimal after a product name or "version" is a version number ("Atlas 3.2", "version 2.1", "v4.0.1"), not a
# figure: it must come through verbatim. A figure with a scale word, unit or currency after it ("EBITDA 4.5
# million", "Sales 3.2%") is a quantity all the same.
# Capitalised words that a figure follows without being a version: months ("March 3.5") and periods ("Q3 2.5").
_NOT_PRODUCT = (
    "January|February|March|April|May|June|July|August|September|October|November|December|Q[1-4]|H[12]|FY|"
    # A sentence's first word before a figure: "The 5.0 Ah battery", "About 2.5 times".
    "The|A|An|This|That|These|Those|Its|Our|Their|His|Her|Each|Every|All|Some|About|Around|Over|Under|Nearly|Almost|"
    "Up|Only|Just|With|At|In|On|For|By|From|To|Of|And|Or|But|Now|Then|Since|Until"
)
_VERSION = re.compile(
    rf"(?:\b(?!(?:{_NOT_PRODUCT}|{_CURRENCY_CODE})\b)[A-Z][\w\-]*|\b[Vv]ersion|\bv)\s?(?P<version>\d+(?:\.\d+)+)(?![\d.,]?\d)"
    rf"(?!\s?(?:{_UNIT}|percent|per cent|{_SCALE_WORDS}|{_CURRENCY_SYMBOL}|"
    rf"{_CURRENCY_CODE})(?![\w²³]))"
)


def version_numbers(text: str) -> list[tuple[int, int]]:
    """Where ``text`` writes version numbers ("Atlas 3.2", "version 2.1"): spans of the digits."""
    return [match.span("version") for match in _VERSION.finditer(text)]


# A code of letters and digits ("5G", "A320", "COVID-19", "CO2", "B2B"): apertium splits it ("5red de G"). Ordinals
# ("3rd") and decades ("1990s") are words, not codes.
_CODE = re.compile(r"(?<![\w.\-])(?=[A-Za-z\-]*\d)(?=[\d\-]*[A-Za-z])[A-Za-z\d]+(?:-[A-Za-z\d]+)*(?![\w\-])")
# A part of lowercase letters alone makes it a word with a number ("mid-2028", "40-litre"), for the engine.
_WORD_PART = re.compile(r"(?:^|-)[a-z]+(?:-|$)")
_NOT_CODE = re.compile(r"\d+(?:st|nd|rd|th|s)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Protected:
    """One masked span: its placeholder number, why it was masked, the source text and what restores it."""

    index: int
    kind: Kind
    original: str
    replacement: str

    @property
    def placeholder(self) -> str:
        return PLACEHOLDER.format(index=self.index)


@dataclass(frozen=True, slots=True)
class Masked:
    """A text with placeholders in place of the protected spans, and the spans."""

    text: str
    items: tuple[Protected, ...]


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """What went wrong with the placeholders: lost by the engine, repeated by it, or invented (unknown numbers)."""

    missing: tuple[Protected, ...] = ()
    duplicated: tuple[Protected, ...] = ()
    unexpected: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.unexpected)


@dataclass(frozen=True, slots=True)
class Restored:
    """The translation with every placeholder replaced, the report, and where each replacement landed."""

    text: str
    report: RestoreReport
    # (start, end) in the masked translation → (start, end) in the restored text, in order.
    shifts: tuple[tuple[int, int, int, int], ...] = ()

    def map_offset(self, position: int) -> int:
        """Carry an offset in the engine's output (with placeholders) over to the restored text."""
        delta = 0
        for masked_start, masked_end, restored_start, restored_end in self.shifts:
            if position < masked_start:
                break
            if position < masked_end:
                return restored_start
            delta = restored_end - masked_end
        return position + delta


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    kind: Kind
    replacement: str


def _terms_pattern(terms: Iterable[str], *, ignore_case: bool) -> re.Pattern[str] | None:
    # Longest first, so that "Siemens Energy" wins over "Siemens" at the same place.
    unique = sorted({term for term in terms if term.strip()}, key=len, reverse=True)
    if not unique:
        return None
    body = "|".join(re.escape(term) for term in unique)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE if ignore_case else 0)


def _trim_url(url: str) -> str:
    # Sentence punctuation after a URL is not part of it; a closing bracket is, when the URL opened one.
    while (url and url[-1] in ".,;:!?'\"") or (url.endswith(")") and url.count("(") < url.count(")")):
        url = url[:-1]
    return url


def _candidates(
    text: str,
    *,
    terms: re.Pattern[str] | None,
    glossary: re.Pattern[str] | None,
    glossary_map: Mapping[str, str],
    names: bool,
    escape: bool,
    source: str,
    target: str | None,
) -> list[_Candidate]:
    found: list[_Candidate] = []
    for match in _URL.finditer(text):
        url = _trim_url(match.group())
        found.append(_Candidate(match.start(), match.start() + len(url), Kind.URL, url))
    found += [_Candidate(m.start(), m.end(), Kind.EMAIL, m.group()) for m in _EMAIL.finditer(text)]
    found += [_Candidate(m.start(), m.end(), Kind.URL, m.group()) for m in BARE_DOMAIN.finditer(text)]
    if terms is not None:
        found += [_Candidate(m.start(), m.end(), Kind.TERM, m.group()) for m in terms.finditer(text)]
    if glossary is not None:
        for match in glossary.finditer(text):
            translation = glossary_map[match.group().casefold()]
            # Keep a capital the source had by position ("Wind turbines …" → "Aerogeneradores …").
            if match.group()[0].isupper() and translation[:1].islower():
                translation = translation[0].upper() + translation[1:]
            replacement = html_lib.escape(translation, quote=False) if escape else translation
            found.append(_Candidate(match.start(), match.end(), Kind.GLOSSARY, replacement))
    found += [_Candidate(m.start(), m.end(), Kind.TICKER, m.group()) for m in _TICKER.finditer(text)]
    for match in _AMOUNT.finditer(text):
        # The figure stays; its words and separators follow the target language (see amounts.py).
        written = match.group() if target is None else localise_amount(match.group(), source=source, target=target)
        found.append(_Candidate(match.start(), match.end(), Kind.AMOUNT, written))
    if target is not None and primary_language_of(source) == "en":
        # Dates and times in the target's own form (see dates.py); one that is no real date is left alone.
        for match in DATE.finditer(text):
            date_text = localise_date(match, target)
            if date_text is not None:
                found.append(_Candidate(*date_span(match), Kind.DATE, date_text))
        for match in TIME.finditer(text):
            time_text = localise_time(match, target)
            if time_text is not None:
                # "at 10:30 a.m." ending a sentence: the abbreviation's point was the full stop too.
                if match.group().endswith(".") and re.match(
                    r"\s*(?:$|\n|[\"'”’)]*\s+[^\W\d_a-z])", text[match.end() :]
                ):
                    time_text += "."
                found.append(_Candidate(match.start(), match.end(), Kind.DATE, time_text))
    # A legal form after no name found as one ("… Valmarino S.p.A."), kept as written.
    found += [_Candidate(m.start(), m.end(), Kind.CODE, m.group()) for m in LEGAL_FORM_WITH_STOPS.finditer(text)]
    for match in _CODE.finditer(text):
        if not _NOT_CODE.fullmatch(match.group()) and not _WORD_PART.search(match.group()):
            found.append(_Candidate(match.start(), match.end(), Kind.CODE, match.group()))
    if target is not None:
        versions = version_numbers(text)
        for match in _FIGURE.finditer(text):
            if match.span() in versions:
                continue
            written = localise_amount(match.group(), source=source, target=target)
            if written != match.group():
                found.append(_Candidate(match.start(), match.end(), Kind.FIGURE, written))
    found += [_Candidate(m.start(), m.end(), Kind.HANDLE, m.group()) for m in _HANDLE.finditer(text)]
    if names:
        for candidate in name_candidates(text, source):
            original = text[candidate.start : candidate.end]
            found.append(_Candidate(candidate.start, candidate.end, Kind.NAME, original))
    return found


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """The strongest non-overlapping candidates (precedence, then length), in text order."""
    chosen: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (_PRECEDENCE[c.kind], c.start - c.end, c.start)):
        if all(candidate.end <= other.start or other.end <= candidate.start for other in chosen):
            chosen.append(candidate)
    return sorted(chosen, key=lambda c: c.start)


def mask(
    text: str,
    *,
    protected_terms: Iterable[str] = (),
    glossary: Mapping[str, str] | None = None,
    html: bool = False,
    source: str = "en",
    target: str | None = None,
    detect_names: bool = True,
    first_index: int = 1,
) -> Masked:
    """Replace protected spans of `text` by placeholders.

    `protected_terms` are do-not-translate terms (brands, products, names), matched case-sensitively as whole
    words; `glossary` maps source terms to forced target-language translations, matched case-insensitively.
    With `html`, only text nodes are masked (entities stay as they are; terms are matched in escaped form).
    With a `target` language, amounts are restored written the target's way ("1,2 mil millones €"); without
    one, verbatim. Placeholders are numbered from `first_index`, so that a text already masked can be masked
    again (an engine step inside a pivot) without two spans sharing a number.
    """
    escape = html
    terms_list = [html_lib.escape(term, quote=False) if escape else term for term in protected_terms]
    glossary = dict(glossary or {})
    keys = {html_lib.escape(k, quote=False) if escape else k: v for k, v in glossary.items()}
    glossary_map = {key.casefold(): value for key, value in keys.items()}
    terms = _terms_pattern(terms_list, ignore_case=False)
    glossary_pattern = _terms_pattern(keys, ignore_case=True)
    names = detect_names and names_apply(source)

    pieces = split_markup(text) if html else None
    out: list[str] = []
    items: list[Protected] = []
    for piece_text, is_markup in [(p.text, p.is_markup) for p in pieces] if pieces is not None else [(text, False)]:
        if is_markup:
            out.append(piece_text)
            continue
        chosen = _select(
            _candidates(
                piece_text,
                terms=terms,
                glossary=glossary_pattern,
                glossary_map=glossary_map,
                names=names,
                escape=escape,
                source=source,
                target=target,
            )
        )
        cursor = 0
        for candidate in chosen:
            out.append(piece_text[cursor : candidate.start])
            index = len(items) + first_index
            original = piece_text[candidate.start : candidate.end]
            localised = (Kind.GLOSSARY, Kind.AMOUNT, Kind.FIGURE, Kind.DATE)
            replacement = candidate.replacement if candidate.kind in localised else original
            items.append(Protected(index, candidate.kind, original, replacement))
            out.append(PLACEHOLDER.format(index=index))
            cursor = candidate.end
        out.append(piece_text[cursor:])
    return Masked("".join(out), tuple(items))


def restore(translated: str, masked: Masked, *, foreign: bool = False) -> Restored:
    """Put every protected span back into `translated` and report placeholders lost, repeated or invented.

    With `foreign`, placeholders that `masked` does not know belong to an outer masking and are left as they are
    (not reported as invented).
    """
    by_index = {item.index: item for item in masked.items}
    seen: Counter[int] = Counter()
    unexpected: list[str] = []
    out: list[str] = []
    shifts: list[tuple[int, int, int, int]] = []
    cursor = 0
    length = 0
    for match in _PLACEHOLDER_FOUND.finditer(translated):
        kept = translated[cursor : match.start()]
        out.append(kept)
        length += len(kept)
        opening, before, number, after, closing = (
            (match.group("opening") or "").strip(),
            match.group("before") or "",
            match.group("number") or match.group("outside"),
            match.group("after") or "",
            (match.group("closing") or "").strip(),
        )
        index = int(number)
        item = by_index.get(index)
        if item is None and foreign:
            out.append(match.group())
            length += len(match.group())
            cursor = match.end()
            continue
        # A placeholder the engine invented has nothing to restore; it is removed so no reader sees it.
        restored = item.replacement if item is not None else ""
        if item is None:
            unexpected.append(match.group())
        else:
            seen[index] += 1
        replacement = before + opening + restored + closing + after
        shifts.append((match.start(), match.end(), length, length + len(replacement)))
        out.append(replacement)
        length += len(replacement)
        cursor = match.end()
    out.append(translated[cursor:])
    report = RestoreReport(
        missing=tuple(item for item in masked.items if seen[item.index] == 0),
        duplicated=tuple(item for item in masked.items if seen[item.index] > 1),
        unexpected=tuple(unexpected),
    )
    return Restored("".join(out), report, tuple(shifts))
