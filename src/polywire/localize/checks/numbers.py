"""Check ``numbers``: numbers, amounts, dates (month names), URLs and e-mail addresses that differ from the source.

Numbers are read with each language's conventions and compared as values, so "1.5" (English) equals "1,5"
(German) and "1,000" equals "1.000" and "1 000" (French): a separator followed by exactly three digits groups
thousands, the language's decimal mark starts decimals, anything else ends the number. Month names of the
languages we serve (and Chinese "6月") are compared as month numbers. A number in the translation that the
source does not have holds (a changed figure); a source number missing from the translation warns, or is only
noted when it is twelve or less, because style guides spell small numbers out ("five plants" → "fünf Werke").
URLs and e-mail addresses must come through verbatim.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_decimal_symbol, get_group_symbol

from polywire.localize.amounts import babel_locale, cldr_scale_words
from polywire.localize.checks.base import Finding, Severity, TranslationPair, whole_target
from polywire.localize.segment import primary_language

# URLs and addresses in ASCII (RFC 3986 characters), so that Chinese text glued to them is not taken along.
_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&*+,;=%]+", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9.+\-_]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_TRAILING = ".,;:!?)]}"
# A run of digits joined by the separators any language uses inside numbers.
_NUMBER_RUN = re.compile(r"(?<![\d.,])\d+(?:[.,\u00a0\u202f'’ ]\d+)*")
_PIECES = re.compile(r"(\d+)|([.,\u00a0\u202f'’ ])")
_NBSP = "\u00a0\u202f"

# Decimal mark and thousands separators per language; regions that write numbers the English way are listed.
_COMMA_DECIMAL = {"de", "es", "fr", "pt", "lt", "it", "ca", "nl", "id", "ru", "pl", "cs", "vi"}
_SPACE_GROUPS = {"fr", "lt", "pt", "ru", "pl", "cs"}
_POINT_DECIMAL_REGIONS = {"es-mx", "es-us", "es-pr", "de-ch"}

# Scale words after a number ("4.5 million", "4,5 Mio.", "2.400 millones", "4.5亿"): compared as full values,
# because Chinese counts in 万 (10⁴) and 亿 (10⁸) and Spanish says "mil millones" for a billion.
_SCALE = re.compile(
    r"\s*(?P<word>(?:mil\s+millones|mil\s+milhões|millones|millón|milhões|milhão|millions?|milliards?|billions?|bn|"
    r"Millionen|Million|Milliarden|Milliarde|milijon\w*|milijard\w*|juta|bilion)(?!\w)|(?:Mio|Mrd|mln|mlrd)\.?|"
    r"万|亿|億|萬)",
    re.IGNORECASE,
)
_SCALE_VALUES = {
    "mil millones": 9,
    "mil milhões": 9,
    "millones": 6,
    "millón": 6,
    "milhões": 6,
    "milhão": 6,
    "million": 6,
    "millions": 6,
    "milliard": 9,
    "milliards": 9,
    "billion": 9,
    "billions": 9,
    "bn": 9,
    "millionen": 6,
    "mio": 6,
    "milliarden": 9,
    "milliarde": 9,
    "mrd": 9,
    "mln": 6,
    "mlrd": 9,
    "juta": 6,
    "bilion": 9,
    "万": 4,
    "萬": 4,
    "亿": 8,
    "億": 8,
}

# Month names per language (lowercase; Lithuanian in nominative and genitive, as dates use the genitive).
_MONTH_NAMES = {
    "en": "january february march april may june july august september october november december",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "lt": "sausio vasario kovo balandžio gegužės birželio liepos rugpjūčio rugsėjo spalio lapkričio gruodžio",
    "ms": "januari februari mac april mei jun julai ogos september oktober november disember",
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
_MONTH_WORD = re.compile(r"[^\W\d_]+")
_CJK_MONTH = re.compile(r"(\d{1,2})\s*月")


@dataclass(frozen=True, slots=True)
class _Number:
    value: Decimal
    text: str
    start: int
    end: int


def _conventions(tag: str) -> tuple[str, frozenset[str]]:
    primary = primary_language(tag)
    if tag.lower() in _POINT_DECIMAL_REGIONS or primary not in _COMMA_DECIMAL:
        decimal_mark, groups = ".", {",", *_NBSP, "'"}
    else:
        decimal_mark, groups = ",", {".", *_NBSP}
        if primary in _SPACE_GROUPS:
            groups.add(" ")
    # CLDR has the last word where it knows the language (Turkish writes "1.200,50", Swiss German "1’200.50"):
    # these are also the separators polywire writes when it localises an amount.
    locale = babel_locale(tag)
    if locale is not None:
        decimal_mark = get_decimal_symbol(locale)
        group = get_group_symbol(locale)
        groups.add(group)
        if group.isspace():
            groups.add(" ")
        groups.discard(decimal_mark)
    return decimal_mark, frozenset(groups)


@cache
def _groups_by_two(tag: str) -> bool:
    locale = babel_locale(tag)
    return locale is not None and locale.decimal_formats[None].grouping[1] == 2


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = " "
    return "".join(chars)


def _links(text: str) -> list[tuple[str, int, int]]:
    found = []
    for pattern in (_URL, _EMAIL):
        for m in pattern.finditer(text):
            value = m.group(0).rstrip(_TRAILING)
            found.append((value, m.start(), m.start() + len(value)))
    return found


def parse_numbers(text: str, tag: str) -> list[_Number]:
    """The numbers of ``text`` read with the conventions of language ``tag``, with their spans."""
    decimal_mark, groups = _conventions(tag)
    numbers: list[_Number] = []
    for run in _NUMBER_RUN.finditer(text):
        pieces = [(m.group(1), m.group(2), m.start() + run.start()) for m in _PIECES.finditer(run.group(0))]
        digits = ""
        start = pieces[0][2]
        in_decimals = False
        index = 0
        while index < len(pieces):
            chunk, sep, position = pieces[index]
            if chunk is not None:
                digits += chunk
                index += 1
                continue
            following = pieces[index + 1][0] if index + 1 < len(pieces) else None
            # A thousands group needs three digits after it, and before it 1–3 digits or earlier groups.
            groups_fit = "_" in digits or len(digits) <= 3
            # Indian grouping ("12,34,567"): groups of two until the last group of three.
            lakh_group = (
                following is not None
                and len(following) == 2
                and _groups_by_two(tag)
                and index + 3 < len(pieces)
                and pieces[index + 2][1] == sep
                and len(pieces[index + 3][0] or "") in (2, 3)
            )
            if (
                not in_decimals
                and sep in groups
                and following is not None
                and (len(following) == 3 or lakh_group)
                and groups_fit
            ):
                digits += "_"
            elif not in_decimals and sep == decimal_mark and following is not None:
                digits += "."
                in_decimals = True
            else:
                numbers.append(_make(digits, text, start, position))
                digits = ""
                in_decimals = False
                start = pieces[index + 1][2] if index + 1 < len(pieces) else position
            index += 1
        if digits:
            numbers.append(_make(digits, text, start, run.end()))
    return [_scaled(number, text, tag) for number in numbers]


@cache
def _cldr_scale(tag: str) -> tuple[re.Pattern[str] | None, dict[str, int]]:
    # The language's own scale words from CLDR, longest first ("mil millones" before "mil"): the same words
    # polywire writes when it localises a protected amount, so what it writes, it reads back. Portuguese without a
    # region is read both ways: "bilhão" (Brazil, 10⁹) and "bilião" (Portugal, 10¹²) are spelt differently.
    words = dict(cldr_scale_words(tag))
    if primary_language(tag) == "pt":
        words = {**cldr_scale_words("pt-PT"), **cldr_scale_words("pt-BR"), **words}
    if not words:
        return None, {}
    body = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"[\s\u00a0]*(?P<word>{body})(?!\w)", re.IGNORECASE), words


def _scale_exponent(text: str, position: int, tag: str) -> tuple[int, int] | None:
    """The power of ten of the scale word right after `position`, and where the word ends; the longest reading
    of CLDR's words and the abbreviations newsrooms use ("Mio.", "bn") wins."""
    readings: list[tuple[int, int]] = []
    cldr, cldr_words = _cldr_scale(tag)
    found = cldr.match(text, position) if cldr is not None else None
    if found is not None:
        readings.append((found.end(), cldr_words[" ".join(found.group("word").casefold().split())]))
    found = _SCALE.match(text, position)
    if found is not None:
        word = " ".join(found.group("word").casefold().rstrip(".").split())
        if word.startswith("milijon"):
            word = "mln"
        elif word.startswith("milijard"):
            word = "mlrd"
        if word in _SCALE_VALUES:
            readings.append((found.end(), _SCALE_VALUES[word]))
    return max(readings) if readings else None


def _scaled(number: _Number, text: str, tag: str) -> _Number:
    reading = _scale_exponent(text, number.end, tag)
    if reading is None:
        return number
    end, exponent = reading
    value = (number.value * Decimal(10) ** exponent).normalize()
    return _Number(value=value, text=text[number.start : end].strip(), start=number.start, end=end)


def _make(digits: str, text: str, start: int, end: int) -> _Number:
    try:
        value = Decimal(digits.replace("_", ""))
    except InvalidOperation:
        value = Decimal(0)
    return _Number(value=value.normalize(), text=text[start:end].strip(), start=start, end=end)


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
        if (primary, word.lower()) in _AMBIGUOUS and not (
            word[0].isupper() and re.search(r"\w[\s,]*$", text[: m.start()])
        ):
            continue
        months.append((number, m.start(), m.end()))
    return months


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
        source_text = _mask(pair.source, [(s, e) for _, s, e in source_links])
        target_text = _mask(pair.target, [(s, e) for _, s, e in target_links])
        target_primary = pair.target_primary
        source_months = _months(source_text, pair.source_primary)
        target_months = _months(target_text, target_primary)
        if target_primary in {"zh", "ja"}:
            # "6月" carries the month as a digit: compare it as a month, not as a number.
            month_spans = [(s, e) for _, s, e in target_months]
            target_text = _mask(target_text, month_spans)
        findings.extend(self._compare_numbers(pair, source_text, target_text))
        findings.extend(self._compare_months(source_months, target_months, pair))
        return findings

    def _compare_numbers(self, pair: TranslationPair, source_text: str, target_text: str) -> list[Finding]:
        source_numbers = parse_numbers(source_text, pair.source_lang)
        target_numbers = parse_numbers(target_text, pair.target_lang)
        remaining = Counter(n.value for n in source_numbers)
        extra: list[_Number] = []
        for number in target_numbers:
            if remaining[number.value] > 0:
                remaining[number.value] -= 1
            else:
                extra.append(number)
        missing: list[_Number] = []
        for number in source_numbers:
            if remaining[number.value] > 0:
                remaining[number.value] -= 1
                missing.append(number)
        findings = []
        missing_text = ", ".join(n.text for n in missing)
        for number in extra:
            hint = f" (the source has {missing_text})" if missing_text else ""
            findings.append(
                Finding(
                    self.name,
                    Severity.HOLD,
                    f"the number “{number.text}” is not in the source{hint}",
                    number.start,
                    number.end,
                )
            )
        if not extra:
            for number in missing:
                small = number.value == number.value.to_integral_value() and number.value <= 12
                findings.append(
                    Finding(
                        self.name,
                        Severity.INFO if small else Severity.WARN,
                        f"the source's “{number.text}” does not appear in the translation"
                        + (" (perhaps spelt out)" if small else ""),
                        *whole_target(pair),
                    )
                )
        return findings

    def _compare_months(
        self,
        source_months: list[tuple[int, int, int]],
        target_months: list[tuple[int, int, int]],
        pair: TranslationPair,
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
        return findings


check = NumbersCheck()
