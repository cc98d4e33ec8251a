"""Check ``numbers``: numbers, amounts, dates (month names), URLs and e-mail addresses that differ from the source.

Numbers are read with each language's conventions and compared as values, so "1.5" (English) equals "1,5"
(German) and "1,000" equals "1.000" and "1 000" (French): a separator followed by exactly three digits groups
thousands, the language's decimal mark starts decimals, anything else ends the number. In a language that writes
decimals with a comma, a point followed by one, two or four or more digits ("4.3 miles de millones", "versão 5.0")
can only be a decimal point written the English way: it is read as one and noted. Scale words ("millones",
"milers de milions", "Mrd.") multiply the figure before it. Month names of the languages we serve (and Chinese
"6月") are compared as month numbers.

A number in the translation that the source does not have holds (a changed figure), unless one of these readings
explains it, tried in this order on what is still unmatched:

- a range sharing one scale word: "entre 305 i 325 milions" is 305 and 325 million (either side may share it);
- a metric prefix spelt as a scale word: "38 mil m" is the source's "38 km" (noted);
- the source language's notation: "142,000" left in a Spanish text is 142 000 read the English way, the figure
  the source has: it warns ("written in the source language's notation"), because a reader of the target reads
  another value, but the figure is not changed.

An English "billion" left in a language that says "billón"/"bilió"/"Billion" for 10¹² holds: its readers take it
for a thousand times the figure. A source number missing from the translation warns, or is only noted when it is
twelve or less or an ordinal up to 31 ("19th" → "decimonoveno"), because style guides spell those out. A month of
the source that has no month at all in the translation ("May 20" → "Poden 20") holds where the target's month
names are known and do not inflect. URLs and e-mail addresses must come through verbatim.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import TypeVar

from polywire.localize.checks.base import Finding, Severity, TranslationPair, whole_target
from polywire.localize.checks.lexicon import zipf
from polywire.localize.checks.numerals import Number, cldr_scale, parse_numbers
from polywire.localize.dates import TIME
from polywire.localize.links import BARE_DOMAIN
from polywire.localize.protect import version_numbers
from polywire.localize.segment import primary_language

# URLs and addresses in ASCII (RFC 3986 characters), so that Chinese text glued to them is not taken along.
_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&*+,;=%]+", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9.+\-_]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_TRAILING = ".,;:!?)]}"
# English scale words that a language with the long scale reads as a thousand times more: its own "billón",
# "bilió", "bilião", "Billion", "billion" (French) is 10¹².
_ENGLISH_BILLIONS = frozenset({"billion", "billions"})
# Between the two figures of a range that share one scale word ("305 and 325 million", "305 i 325 milions").
_RANGE_LINK = re.compile(
    r"\s*(?:US\$|[€$£¥]|[A-Z]{3})?\s*(?:and|to|or|y|e|i|o|a|à|et|ou|und|bis|-|–|—)\s*(?:US\$|[€$£¥]|[A-Z]{3})?\s*",
    re.IGNORECASE,
)
# A unit right after a figure: with a metric prefix in the source ("38 km"), bare in the target ("38 mil m").
_UNIT = re.compile(r"\s*(?P<unit>[A-Za-z]{1,3})(?![\w])")
_PREFIXES = {"k": 3, "M": 6, "G": 9}
# An ordinal suffix after a figure ("19th", "19.º", "19e"): ordinals up to 31 are often spelt out.
_ORDINAL = re.compile(r"(?:st|nd|rd|th|º|ª|\.º|\.ª|e|er|re|ème)(?![\w])")

# Month names per language (lowercase; Lithuanian in nominative and genitive, as dates use the genitive).
_MONTH_NAMES = {
    "en": "january february march april may june july august september october november december",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "lt": "sausio vasario kovo balandžio gegužės birželio liepos rugpjūčio rugsėjo spalio lapkričio gruodžio",
    "ms": "januari februari mac april mei jun julai ogos september oktober november disember",
    "ca": "gener febrer març abril maig juny juliol agost setembre octubre novembre desembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "id": "januari februari maret april mei juni juli agustus september oktober november desember",
}
_MONTH_NOMINATIVE = {
    "lt": "sausis vasaris kovas balandis gegužė birželis liepa rugpjūtis rugsėjis spalis lapkritis gruodis"
}
_MONTH_OTHER = {"lt": "sausį vasarį kovą balandį gegužę birželį liepą rugpjūtį rugsėjį spalį lapkritį gruodį"}
_MONTHS: dict[str, dict[str, int]] = {}
for _table in (_MONTH_NAMES, _MONTH_NOMINATIVE, _MONTH_OTHER):
    for _language, _names in _table.items():
        for _number, _name in enumerate(_names.split(), start=1):
            _MONTHS.setdefault(_language, {})[_name] = _number
# English "may" is usually the verb: only the capitalised word inside a sentence is the month.
_AMBIGUOUS = {("en", "may")}
# English always capitalises months: a lowercase "march" or "august" is a verb or an adjective.
_CAPITALISED_MONTHS = {"en", "de"}
# Languages whose month names do not inflect (the table has every form a date uses): there, a source month with
# no month in the translation was lost ("May 20" → "Poden 20"), not declined into a form the table lacks.
_MONTHS_COMPLETE = {"en", "de", "es", "fr", "pt", "ca", "it", "nl", "ms", "id"}
# A date written with digits only ("20.05.2026", "2026-05-20") carries its month as a number.
_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})(?![\d])")
_MONTH_WORD = re.compile(r"[^\W\d_]+")
_CJK_MONTH = re.compile(r"(\d{1,2})\s*月")


# A clock time in the translation: "17:00", "17.00", "17h00", "17 h 00", "17 h".
_TARGET_TIME = re.compile(r"(?<![\d.,:])([01]?\d|2[0-3])(?:\s?[:.h]\s?([0-5]\d)(?!\d|[,:.]\d)|\s?h(?![\w]))")


# A 24-hour clock time in the source: "16:30", "07:15"; not a race time ("4:02:17") nor a ratio in a longer figure.
_SOURCE_CLOCK = re.compile(r"(?<![\d.,:])([01]?\d|2[0-3]):([0-5]\d)(?![\d:]|[.,]\d)")


def _mask_same_times(source: str, target: str) -> tuple[str, str]:
    """Blank out the clock times both texts give, read as times of day: "5:00 p.m." is the "17.00" or "17:00" of
    the translation, not the numbers 5, 00 and 17."""
    source_times: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for match in TIME.finditer(source):
        hour = int(match.group("h")) % 12 + (12 if match.group("half").casefold() == "p" else 0)
        source_times.append(((hour, int(match.group("min") or 0)), match.span()))
    twelve_hour = [span for _, span in source_times]
    # A 24-hour time ("16:30") is a time too: Spanish and Catalan write it "16.30", French "16 h 30".
    for match in _SOURCE_CLOCK.finditer(source):
        if not any(start <= match.start() < end for start, end in twelve_hour):
            source_times.append(((int(match.group(1)), int(match.group(2))), match.span()))
    # French gives a whole hour without its minutes: "à 18 h".
    target_times = [
        ((int(match.group(1)), int(match.group(2) or 0)), match.span()) for match in _TARGET_TIME.finditer(target)
    ]
    return _mask_pairs(source, target, source_times, target_times)


# A telephone number: international ("+420 234 567 890", "+33 1 84 88 12 00") or grouped national ("0800 917 4402",
# "(555) 014-2290"). Its groups are no thousands: a translation that groups figures with spaces must not read one.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}(?:[ \u00a0.\-]\(?\d{1,5}\)?){2,6}|\(?0\d{2,4}\)?(?:[ \u00a0\-]\d{3,4}){2,3}"
    r"|\(\d{3}\) ?\d{3}-\d{4})(?![\w])"
)


def _mask_same_phones(source: str, target: str) -> tuple[str, str]:
    """Blank out the telephone numbers both texts give with the same digits, however grouped."""

    def phones(text: str) -> list[tuple[str, tuple[int, int]]]:
        return [(re.sub(r"\D", "", match.group()), match.span()) for match in _PHONE.finditer(text)]

    return _mask_pairs(source, target, phones(source), phones(target))


_K = TypeVar("_K")


def _mask_pairs(
    source: str,
    target: str,
    source_items: list[tuple[_K, tuple[int, int]]],
    target_items: list[tuple[_K, tuple[int, int]]],
) -> tuple[str, str]:
    """Blank out each target item and the first unpaired source item with the same key (a time, a number's
    digits), in order; items without a partner stay for the comparison to judge."""
    waiting: dict[_K, list[tuple[int, int]]] = {}
    for key, span in source_items:
        waiting.setdefault(key, []).append(span)
    blank_source: list[tuple[int, int]] = []
    blank_target: list[tuple[int, int]] = []
    for key, span in target_items:
        if waiting.get(key):
            blank_source.append(waiting[key].pop(0))
            blank_target.append(span)
    return _mask(source, blank_source), _mask(target, blank_target)


def _versions(pair: TranslationPair) -> tuple[list[Finding], list[tuple[int, int]], list[tuple[int, int]]]:
    """Version numbers of the source ("Atlas 3.2") and where the target has them, verbatim.

    A version is a name, not a quantity: "Atlas 3,2" reads as a decimal. One the target keeps verbatim is taken
    out of the figures to compare; one it writes with the target's decimal mark holds.
    """
    findings: list[Finding] = []
    source_spans: list[tuple[int, int]] = []
    target_spans: list[tuple[int, int]] = []
    for start, end in version_numbers(pair.source):
        version = pair.source[start:end]
        # Each occurrence in the target answers one in the source ("version 8.1" … "Tundra 8.1").
        kept = _unused(rf"(?<![\w.,]){re.escape(version)}(?![\w]|[.,]\d)", pair.target, target_spans)
        if kept is not None:
            source_spans.append((start, end))
            target_spans.append(kept)
            continue
        localised = version.replace(".", ",")
        written = _unused(rf"(?<![\w.,]){re.escape(localised)}(?![\w]|[.,]\d)", pair.target, target_spans)
        if written is not None:
            findings.append(
                Finding(
                    "numbers",
                    Severity.HOLD,
                    f"the version number “{version}” is written “{localised}”, which reads as a decimal",
                    *written,
                )
            )
            source_spans.append((start, end))
            target_spans.append(written)
    return findings, source_spans, target_spans


def _unused(pattern: str, text: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The first match of ``pattern`` in ``text`` that is not one of the ``taken`` spans."""
    return next((m.span() for m in re.finditer(pattern, text) if m.span() not in taken), None)


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = " "
    return "".join(chars)


def _links(text: str) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    for pattern in (_URL, _EMAIL, BARE_DOMAIN):
        for m in pattern.finditer(text):
            value = m.group(0).rstrip(_TRAILING)
            # A bare address inside a full URL or an e-mail address is the same link.
            if not any(start <= m.start() < end for _, start, end in found):
                found.append((value, m.start(), m.start() + len(value)))
    return found


def _months(text: str, primary: str) -> list[tuple[int, int, int]]:
    months = []
    if primary in {"zh", "ja"}:
        months = [(int(m.group(1)), m.start(), m.end()) for m in _CJK_MONTH.finditer(text)]
    names = _MONTHS.get(primary, {})
    for m in _MONTH_WORD.finditer(text):
        word = m.group(0)
        number = names.get(word.lower())
        if number is None:
            continue
        if primary in _CAPITALISED_MONTHS and not word[0].isupper():
            continue
        if (primary, word.lower()) in _AMBIGUOUS and not (
            word[0].isupper() and re.search(r"\w[\s,]*$", text[: m.start()])
        ):
            continue
        months.append((number, m.start(), m.end()))
    return months


def is_foreign_month(word: str, source: str, target: str) -> bool:
    """Whether ``word`` names a month in the ``source`` language and is no month name of ``target``, whose month
    names are all known: "August" in a Catalan text is an English month left untranslated, even though Catalan
    spellers accept it as a name (the emperor)."""
    folded = word.casefold()
    return target in _MONTHS_COMPLETE and folded in _MONTHS.get(source, {}) and folded not in _MONTHS.get(target, {})


def _numeric_date_months(text: str) -> set[int]:
    """The months that dates written in digits may carry ("20.05.2026": 5, or 20 read the other way round)."""
    found: set[int] = set()
    for m in _NUMERIC_DATE.finditer(text):
        found.update(int(part) for part in m.groups() if 1 <= int(part) <= 12)
    return found


def _plain(value: Decimal) -> str:
    """A value for a message: "142000", "4.3", never "1.42E+5"."""
    return format(value, "f")


def _long_scale(tag: str) -> bool:
    """Whether the language's own word for 10¹² looks like "billion" ("billón", "bilió", "bilião", "Billion")."""
    _, words = cldr_scale(tag)
    return any(exponent == 12 and word.startswith("bil") for word, exponent in words.items())


def _range_values(numbers: list[Number], text: str) -> dict[int, Decimal]:
    """For each unscaled figure followed by a connector and a scaled one ("305 i 325 milions"), its value with
    the shared scale (305 million), by index."""
    shared: dict[int, Decimal] = {}
    for index, (number, following) in enumerate(pairwise(numbers)):
        if number.scale or not following.scale or following.start <= number.end:
            continue
        link = _RANGE_LINK.fullmatch(text, number.end, following.start)
        if link is not None:
            shared[index] = (number.value * Decimal(10) ** following.scale).normalize()
    return shared


def _unit_after(number: Number, text: str) -> str | None:
    found = _UNIT.match(text, number.end)
    return found.group("unit") if found else None


@dataclass
class _Matching:
    """Which source and target numbers are accounted for so far."""

    source: list[Number]
    target: list[Number]
    source_done: list[bool] = field(default_factory=list)
    target_done: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.source_done = [False] * len(self.source)
        self.target_done = [False] * len(self.target)

    def open_source(self, value: Decimal) -> int | None:
        """The first source number not yet matched that has this value."""
        for index, number in enumerate(self.source):
            if not self.source_done[index] and number.value == value:
                return index
        return None

    def open_target(self, value: Decimal) -> int | None:
        """The first target number not yet matched that has this value."""
        for index, number in enumerate(self.target):
            if not self.target_done[index] and number.value == value:
                return index
        return None

    def pair(self, source_index: int, target_index: int) -> None:
        self.source_done[source_index] = True
        self.target_done[target_index] = True


@dataclass(frozen=True)
class NumbersCheck:
    """Figures, months, links and addresses must survive translation unchanged."""

    name: str = "numbers"

    def run(self, pair: TranslationPair) -> list[Finding]:
        findings: list[Finding] = []
        source_links = _links(pair.source)
        target_links = _links(pair.target)
        source_link_values = Counter(v for v, _, _ in source_links)
        for value, start, end in target_links:
            if source_link_values[value] > 0:
                source_link_values[value] -= 1
            else:
                findings.append(Finding(self.name, Severity.HOLD, f"“{value}” is not in the source", start, end))
        # A missing address warns like a missing number: it usually went with a dropped sentence, which the
        # alignment and truncation checks hold; a changed one (above) holds here.
        for value, count in source_link_values.items():
            if count > 0:
                findings.append(
                    Finding(self.name, Severity.WARN, f"“{value}” from the source is missing", *whole_target(pair))
                )
        version_findings, source_versions, target_versions = _versions(pair)
        findings.extend(version_findings)
        source_text = _mask(pair.source, [(s, e) for _, s, e in source_links] + source_versions)
        target_text = _mask(pair.target, [(s, e) for _, s, e in target_links] + target_versions)
        source_text, target_text = _mask_same_times(source_text, target_text)
        source_text, target_text = _mask_same_phones(source_text, target_text)
        target_primary = pair.target_primary
        source_months = _months(source_text, pair.source_primary)
        target_months = _months(target_text, target_primary)
        if target_primary in {"zh", "ja"}:
            # "6月" carries the month as a digit: compare it as a month, not as a number.
            month_spans = [(s, e) for _, s, e in target_months]
            target_text = _mask(target_text, month_spans)
        findings.extend(self._compare_numbers(pair, source_text, target_text))
        findings.extend(self._compare_months(source_months, target_months, pair, source_text, target_text))
        return findings

    def _compare_numbers(self, pair: TranslationPair, source_text: str, target_text: str) -> list[Finding]:
        source_numbers = parse_numbers(source_text, pair.source_lang)
        target_numbers = parse_numbers(target_text, pair.target_lang)
        matching = _Matching(source_numbers, target_numbers)
        findings: list[Finding] = []
        # Equal values first: the reading that needs no explanation.
        for index, number in enumerate(target_numbers):
            found = matching.open_source(number.value)
            if found is not None:
                matching.pair(found, index)
        self._match_ranges(matching, source_text, target_text)
        findings.extend(self._match_units(matching, source_text, target_text))
        findings.extend(self._match_source_notation(matching, pair, target_text))
        findings.extend(self._notes_on_matched(matching, pair))
        extra = [n for n, done in zip(target_numbers, matching.target_done, strict=True) if not done]
        missing = [n for n, done in zip(source_numbers, matching.source_done, strict=True) if not done]
        for number in extra:
            # Never "“142,000” is not in the source (the source has 142,000)": a same-looking figure is no hint.
            hints = [n.text for n in missing if n.text != number.text]
            hint = f" (the source has {', '.join(hints)})" if hints else ""
            same = [n for n in missing if n.text == number.text]
            reading = (
                f" (in {primary_language(pair.target_lang)} it reads as {_plain(number.value)}; the source's "
                f"“{same[0].text}” is {_plain(same[0].value)})"
                if same
                else ""
            )
            findings.append(
                Finding(
                    self.name,
                    Severity.HOLD,
                    f"the number “{number.text}” is not in the source{reading or hint}",
                    number.start,
                    number.end,
                )
            )
        if not extra:
            for number in missing:
                spelt = _may_be_spelt_out(number, source_text)
                findings.append(
                    Finding(
                        self.name,
                        Severity.INFO if spelt else Severity.WARN,
                        f"the source's “{number.text}” does not appear in the translation"
                        + (" (perhaps spelt out)" if spelt else ""),
                        *whole_target(pair),
                    )
                )
        return findings

    @staticmethod
    def _match_ranges(matching: _Matching, source_text: str, target_text: str) -> None:
        """Figures of a range that share one scale word, on either side ("305 i 325 milions")."""
        for index, value in _range_values(matching.target, target_text).items():
            found = matching.open_source(value) if not matching.target_done[index] else None
            if found is not None:
                matching.pair(found, index)
        for index, value in _range_values(matching.source, source_text).items():
            found = matching.open_target(value) if not matching.source_done[index] else None
            if found is not None:
                matching.pair(index, found)

    def _match_units(self, matching: _Matching, source_text: str, target_text: str) -> list[Finding]:
        """A metric prefix spelt as a scale word: "38 mil m" and "38 milers m" are "38 km"."""
        findings = []
        for t_index, number in enumerate(matching.target):
            if matching.target_done[t_index] or not number.scale:
                continue
            unit = _unit_after(number, target_text)
            if unit is None:
                continue
            for s_index, source in enumerate(matching.source):
                source_unit = _unit_after(source, source_text)
                if (
                    matching.source_done[s_index]
                    or source.scale
                    or source_unit is None
                    or source_unit[1:] != unit
                    or _PREFIXES.get(source_unit[0]) != number.scale
                    or source.value * Decimal(10) ** number.scale != number.value
                ):
                    continue
                matching.pair(s_index, t_index)
                findings.append(
                    Finding(
                        self.name,
                        Severity.INFO,
                        f"“{number.text} {unit}” is the source's “{source.text} {source_unit}” in another unit",
                        number.start,
                        number.end,
                    )
                )
                break
        return findings

    def _match_source_notation(self, matching: _Matching, pair: TranslationPair, target_text: str) -> list[Finding]:
        """Figures left in the source language's notation ("142,000" in Spanish): the source's value, misread."""
        if not any(not done for done in matching.target_done):
            return []
        source_lang = primary_language(pair.source_lang)
        target_lang = primary_language(pair.target_lang)
        findings = []
        for reading in parse_numbers(target_text, pair.source_lang):
            covered = [
                i
                for i, n in enumerate(matching.target)
                if reading.start <= n.start < reading.end or (n.start <= reading.start < n.end)
            ]
            if not covered or any(matching.target_done[i] for i in covered):
                continue
            found = matching.open_source(reading.value)
            if found is None:
                continue
            for index in covered:
                matching.target_done[index] = True
            matching.source_done[found] = True
            local = ", ".join(_plain(matching.target[i].value) for i in covered)
            findings.append(
                Finding(
                    self.name,
                    Severity.WARN,
                    f"“{reading.text}” is written in the source language's notation ({source_lang}): "
                    f"a {target_lang} reader reads {local}",
                    reading.start,
                    reading.end,
                )
            )
        return findings

    def _notes_on_matched(self, matching: _Matching, pair: TranslationPair) -> list[Finding]:
        findings = []
        target_lang = primary_language(pair.target_lang)
        long_scale = _long_scale(pair.target_lang)
        _, own_words = cldr_scale(pair.target_lang)
        for number, done in zip(matching.target, matching.target_done, strict=True):
            if not done:
                continue
            if long_scale and number.scale_word in _ENGLISH_BILLIONS and number.scale_word not in own_words:
                findings.append(
                    Finding(
                        self.name,
                        Severity.HOLD,
                        f"“{number.text}” keeps the English “{number.scale_word}”, which a {target_lang} reader "
                        "takes for 10¹², a thousand times the figure",
                        number.start,
                        number.end,
                    )
                )
            elif number.point:
                findings.append(
                    Finding(
                        self.name,
                        Severity.INFO,
                        f"“{number.text}” has a decimal point written the English way ({target_lang} writes a comma)",
                        number.start,
                        number.end,
                    )
                )
        return findings

    def _compare_months(
        self,
        source_months: list[tuple[int, int, int]],
        target_months: list[tuple[int, int, int]],
        pair: TranslationPair,
        source_text: str,
        target_text: str,
    ) -> list[Finding]:
        remaining = Counter(m for m, _, _ in source_months)
        findings = []
        for month, start, end in target_months:
            if remaining[month] > 0:
                remaining[month] -= 1
            elif source_months:
                expected = ", ".join(str(m) for m, _, _ in source_months)
                findings.append(
                    Finding(
                        self.name,
                        Severity.HOLD,
                        f"“{pair.target[start:end]}” is month {month}, the source names month {expected}",
                        start,
                        end,
                    )
                )
        if findings or pair.target_primary not in _MONTHS_COMPLETE:
            return findings
        present = {m for m, _, _ in target_months} | _numeric_date_months(target_text)
        reported: set[int] = set()
        for month, start, end in source_months:
            if month in present or month in reported:
                continue
            reported.add(month)
            word = pair.source[start:end]
            span = _lost_month_span(word, start, end, source_text, target_text, pair.target_primary)
            if span is None:
                # No trace of the date: it went with a dropped sentence, which the other checks report.
                continue
            findings.append(
                Finding(
                    self.name,
                    Severity.HOLD,
                    f"the date lost its month: the source's “{word}” (month {month}) has no month in the translation",
                    *span,
                )
            )
        return findings


def _may_be_spelt_out(number: Number, source_text: str) -> bool:
    """Small numbers (up to twelve) and ordinals up to 31 ("19th") are spelt out by style guides."""
    if number.value != number.value.to_integral_value() or number.scale:
        return False
    if number.value <= _SPELT_OUT:
        return True
    return number.value <= _SPELT_OUT_ORDINAL and _ORDINAL.match(source_text, number.end) is not None


_SPELT_OUT = 12
_SPELT_OUT_ORDINAL = 31
_NEAR_MONTH = re.compile(r"[\s,]*(\d{1,4})(?!\d)")
_BEFORE_MONTH = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?$")


def _lost_month_span(
    word: str, start: int, end: int, source_text: str, target_text: str, target_primary: str
) -> tuple[int, int] | None:
    """Where the translation lost the source's month, or None when the date left no trace there.

    The trace is the figure next to the month in the source (the day or the year) preceded in the translation by a
    capitalised word that took the month's place ("Poden 20", "Marcha 2026"); for a month without a figure, an
    ordinary target word capitalised inside a sentence ("las lluvias de Marcha"). A month word left untranslated
    ("en August") is a source word left in, which ``source_words`` reports.
    """
    if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", target_text) is not None:
        return None
    figures = []
    after = _NEAR_MONTH.match(source_text, end)
    if after is not None:
        figures.append(after.group(1))
    before = _BEFORE_MONTH.search(source_text[max(0, start - 20) : start])
    if before is not None:
        figures.append(before.group(1))
    for figure in figures:
        for found in re.finditer(rf"([^\W\d_]+)[\s\u00a0]+(?<![\d.,]){figure}(?![\d])", target_text):
            if found.group(1)[0].isupper():
                return found.start(1), found.end()
    if not figures:
        # A month without a figure ("before the March rains"): the trace is an ordinary word of the target that
        # took its place and kept its capital inside a sentence ("las lluvias de Marcha").
        for found in re.finditer(r"(?<=[^\W\d_])[ \u00a0]+([^\W\d_a-z][^\W\d_]+)", target_text):
            word = found.group(1)
            if word[1:].islower() and word not in source_text and zipf(word.casefold(), target_primary) >= 3.0:
                return found.start(1), found.end(1)
    return None


check = NumbersCheck()
