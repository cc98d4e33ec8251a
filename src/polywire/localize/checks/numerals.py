"""Reading the figures of a text with a language's conventions: the shared reader of the ``numbers`` check.

A run of digits and separators is cut into numbers the way a reader of the language would: a separator followed by
exactly three digits groups thousands, the language's decimal mark (from CLDR where it knows the language) starts
decimals, and anything else ends the number; a point followed by other than three digits in a decimal-comma
language is an English decimal point, read as one and marked. A scale word after the figure ("millones", "milers de
milions", "Mrd.", "亿") multiplies it, read from CLDR's compact forms and a table of newsroom abbreviations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_decimal_symbol, get_group_symbol

from polywire.localize.amounts import babel_locale, cldr_scale_words
from polywire.localize.segment import primary_language

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
    r"Millionen|Million|Milliarden|Milliarde|milijon\w*|milijard\w*|juta|bilion|crores?|lakhs?)(?!\w)|"
    r"(?:Mio|Mrd|mln|mlrd)\.?|"
    r"万|亿|億|萬)",
    re.IGNORECASE,
)
_SCALE_VALUES = {
    # Indian English: a lakh is 10⁵, a crore 10⁷ ("₹3.8 crore" is 38 million rupees).
    "lakh": 5,
    "lakhs": 5,
    "crore": 7,
    "crores": 7,
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
# Scale words CLDR's long forms lack, by language: the forms newsrooms and engines also write ("4,3 miles de
# millones", "5 milhares de milhões", "1,2 mil milions", "des milliers").
_EXTRA_SCALES: dict[str, dict[str, int]] = {
    "es": {"miles de millones": 9, "millardo": 9, "millardos": 9},
    "pt": {"milhares de milhões": 9, "milhar de milhões": 9, "mil milhões": 9, "milhares de milhão": 9},
    "ca": {"mil": 3, "mil milions": 9, "milers de milió": 9},
    "fr": {"milliers": 3, "mille milliards": 12},
    "it": {"migliaia di milioni": 9},
}


@dataclass(frozen=True, slots=True)
class Number:
    value: Decimal
    text: str
    start: int
    end: int
    # The power of ten of the scale word after the figure (0 without one) and the word, casefolded.
    scale: int = 0
    scale_word: str = ""
    # A decimal point written the English way in a language that writes a decimal comma ("4.3" in Spanish).
    point: bool = False


def conventions(tag: str) -> tuple[str, frozenset[str]]:
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
def groups_by_two(tag: str) -> bool:
    locale = babel_locale(tag)
    return locale is not None and locale.decimal_formats[None].grouping[1] == 2


def parse_numbers(text: str, tag: str) -> list[Number]:
    """The numbers of ``text`` read with the conventions of language ``tag``, with their spans."""
    decimal_mark, groups = conventions(tag)
    numbers: list[Number] = []
    for run in _NUMBER_RUN.finditer(text):
        pieces = [(m.group(1), m.group(2), m.start() + run.start()) for m in _PIECES.finditer(run.group(0))]
        digits = ""
        start = pieces[0][2]
        in_decimals = False
        point = False
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
                and groups_by_two(tag)
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
            elif english_point(sep, decimal_mark, groups, following, len(pieces)):
                digits += "."
                in_decimals = point = True
            else:
                numbers.append(make_number(digits, text, start, position, point))
                digits = ""
                in_decimals = point = False
                start = pieces[index + 1][2] if index + 1 < len(pieces) else position
            index += 1
        if digits:
            numbers.append(make_number(digits, text, start, run.end(), point))
    return [scaled(number, text, tag) for number in numbers]


def english_point(sep: str, decimal_mark: str, groups: frozenset[str], following: str | None, pieces: int) -> bool:
    """Whether a point in a decimal-comma language is a decimal point written the English way.

    It is when it cannot group thousands (not three digits after it) and it is the only separator of the figure
    (the run is digits, point, digits): points that join the parts of a date or a version ("20.05.2026", "1.2.3")
    are no decimal point.
    """
    if sep != "." or decimal_mark == "." or "." not in groups or following is None or len(following) == 3:
        return False
    return pieces == 3


@cache
def cldr_scale(tag: str) -> tuple[re.Pattern[str] | None, dict[str, int]]:
    # The language's own scale words from CLDR, longest first ("mil millones" before "mil"): the same words
    # polywire writes when it localises a protected amount, so what it writes, it reads back. Portuguese without a
    # region is read both ways: "bilhão" (Brazil, 10⁹) and "bilião" (Portugal, 10¹²) are spelt differently.
    words = dict(cldr_scale_words(tag))
    if primary_language(tag) == "pt":
        words = {**cldr_scale_words("pt-PT"), **cldr_scale_words("pt-BR"), **words}
    words = {**_EXTRA_SCALES.get(primary_language(tag), {}), **words}
    if not words:
        return None, {}
    body = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"[\s\u00a0]*(?P<word>{body})(?!\w)", re.IGNORECASE), words


def scale_exponent(text: str, position: int, tag: str) -> tuple[int, int] | None:
    """The power of ten of the scale word right after `position`, and where the word ends; the longest reading
    of CLDR's words and the abbreviations newsrooms use ("Mio.", "bn") wins."""
    readings: list[tuple[int, int]] = []
    cldr, cldr_words = cldr_scale(tag)
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


# An English amount with its scale glued on ("£385m", "$40k"): "m" is a million only right after a currency sign,
# since "385 m" is metres.
_GLUED_SCALE = re.compile(r"(?P<word>mn|m|k)(?![\w²³])")
_GLUED_SCALE_VALUES = {"m": 6, "mn": 6, "k": 3}
_CURRENCY_BEFORE = re.compile(r"(?:US\$|[A-Z]{0,2}\$|[€£¥₹])\s?$")


def scaled(number: Number, text: str, tag: str) -> Number:
    reading = scale_exponent(text, number.end, tag)
    if reading is None and _CURRENCY_BEFORE.search(text, 0, number.start):
        glued = _GLUED_SCALE.match(text, number.end)
        if glued is not None:
            reading = (glued.end(), _GLUED_SCALE_VALUES[glued.group("word")])
    if reading is None:
        return number
    end, exponent = reading
    word = " ".join(text[number.end : end].casefold().rstrip(".").split())
    if word == "mille" and number.value != number.value.to_integral_value():
        # French writes a thousand and a half as "1 500"; "1,6 mille" is 1.6 miles ("mille", the unit).
        return number
    value = (number.value * Decimal(10) ** exponent).normalize()
    return Number(
        value=value,
        text=text[number.start : end].strip(),
        start=number.start,
        end=end,
        scale=exponent,
        scale_word=word,
        point=number.point,
    )


def make_number(digits: str, text: str, start: int, end: int, point: bool = False) -> Number:
    try:
        value = Decimal(digits.replace("_", ""))
    except InvalidOperation:
        value = Decimal(0)
    return Number(value=value.normalize(), text=text[start:end].strip(), start=start, end=end, point=point)
