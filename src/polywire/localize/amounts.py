"""Writing a protected amount the way the target language writes it: same figure, local words and separators.

Amounts are masked before the engine (an engine rewrites "€1.2 billion" as "€1.2 mil millones", "1,2 billones" or
worse), but putting the English text back verbatim leaves an English number inside a Spanish sentence: "1.2"
reads as a different number in Spanish, and "billion" is an English word. So the placeholder is restored to the
same value written with the target language's conventions from CLDR (through Babel): decimal mark and digit
groups, the scale word ("mil millones", "Milliarden", "bilhão" in Brazil but "mil milhões" in Portugal), the
percent sign's spacing and the currency's position. The currency itself is kept exactly as the source wrote it
("$" stays "$" rather than turning into a guess like "US$"), and so is any other unit ("MW", "km").

Only what can be read without doubt is rewritten: a number in the source language's conventions and, for English
(and the German abbreviations Mio./Mrd.), a scale word. Anything else comes back verbatim, which is what masking
did before. The figure is never rounded: the digits after the decimal mark are kept as written.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, format_compact_decimal, parse_decimal

# Currency signs and ISO 4217 codes as protect.py recognises them; kept as written.
_CURRENCY = r"US\$|NZ\$|A\$|C\$|HK\$|R\$|S\$|[€$£¥₹₩₽₺₪฿]|[A-Z]{3}"
_AMOUNT = re.compile(
    rf"^(?P<before>(?:{_CURRENCY})\s?)?"
    r"(?P<number>\d[\d,.\u202f\u00a0]*\d|\d)"
    r"(?P<scale>\s?(?:trillion|billion|million|thousand|crores?|lakhs?|bn|mn|mln|bln|m|k)(?!\w)|\s?(?:Mrd|Mio)\.)?"
    rf"(?P<after>\s?(?:{_CURRENCY})|\s?\S.*)?$"
)
# Powers of ten of the scale words the source may use; English short scale (a billion is 10⁹).
_ENGLISH_SCALES = {
    "trillion": 12, "billion": 9, "bn": 9, "bln": 9, "million": 6, "mn": 6, "mln": 6, "m": 6, "thousand": 3, "k": 3,
    # Indian English: "₹3.8 crore" is 38 million rupees, "₹5 lakh" 500,000.
    "crore": 7, "crores": 7, "lakh": 5, "lakhs": 5,
}  # fmt: skip
_GERMAN_SCALES = {"mrd.": 9, "mio.": 6}
_NBSP = "\u00a0"


@dataclass(frozen=True, slots=True)
class Amount:
    """A figure read from a protected span: its value, how many decimals were written, and its currency or unit."""

    value: Decimal
    decimals: int
    scaled: bool
    currency: str | None = None
    unit: str | None = None


def babel_locale(tag: str) -> Locale | None:
    """The CLDR locale for a BCP 47 tag, falling back to its primary language; None when CLDR has neither."""
    for candidate in (tag, tag.split("-")[0]):
        try:
            return Locale.parse(candidate.replace("_", "-"), sep="-")
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return None


def read_amount(text: str, source: str) -> Amount | None:
    """Read a protected amount written in `source`'s conventions; None when any part of it is uncertain."""
    match = _AMOUNT.match(text.strip())
    locale = babel_locale(source)
    if match is None or locale is None:
        return None
    before = (match.group("before") or "").strip() or None
    after = (match.group("after") or "").strip() or None
    scale_word = (match.group("scale") or "").strip()
    exponent = 0
    if scale_word:
        primary = str(locale.language)
        table = _ENGLISH_SCALES if primary == "en" else _GERMAN_SCALES if primary == "de" else {}
        if scale_word.casefold() not in table:
            return None
        exponent = table[scale_word.casefold()]
    number = match.group("number")
    try:
        written = parse_decimal(number, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation):
        return None
    decimals = max(0, -int(written.as_tuple().exponent))
    currency = before if before is not None else (after if after is not None and _is_currency(after) else None)
    unit = None if currency is not None or after is None else after
    if before is not None and after is not None:
        return None
    return Amount(written.scaleb(exponent), decimals, bool(scale_word), currency, unit)


def _is_currency(text: str) -> bool:
    return re.fullmatch(_CURRENCY, text) is not None


def write_amount(amount: Amount, target: str) -> str | None:
    """The amount as `target` writes it, or None when CLDR does not know the language."""
    locale = babel_locale(target)
    if locale is None:
        return None
    number = _compact(amount, locale) if amount.scaled else _plain(amount.value, amount.decimals, locale)
    if amount.unit == "%":
        return _percent(number, locale)
    if amount.unit is not None:
        return f"{number}{_NBSP}{amount.unit}"
    if amount.currency is not None:
        return _with_currency(number, amount.currency, locale)
    return number


def localise_amount(text: str, *, source: str, target: str) -> str:
    """`text` rewritten for `target`, or unchanged when it cannot be read or written without doubt."""
    amount = read_amount(text, source)
    if amount is None:
        return text
    return write_amount(amount, target) or text


def _plain(value: Decimal, decimals: int, locale: Locale) -> str:
    pattern = copy.copy(locale.decimal_formats[None])
    pattern.frac_prec = (decimals, decimals)
    return str(pattern.apply(value, locale))


def _compact(amount: Amount, locale: Locale) -> str:
    # Spelled-out scales ("1,2 mil millones") where CLDR has them; Chinese, Japanese and Korean only have the
    # short forms (万, 亿), which are words there too. Enough fraction digits that nothing is rounded away.
    kind: Literal["short", "long"] = "long" if "long" in locale.compact_decimal_formats else "short"
    digits = max(0, -int(amount.value.normalize().as_tuple().exponent)) + 12
    return str(format_compact_decimal(amount.value, format_type=kind, locale=locale, fraction_digits=digits))


def _percent(number: str, locale: Locale) -> str:
    # The locale's percent pattern says where the sign goes and with what space ("12,5 %", "%12,5" in Turkish).
    pattern = locale.percent_formats[None]
    prefix, suffix = pattern.prefix[0], pattern.suffix[0]
    return f"{prefix}{number}{suffix}"


def _with_currency(number: str, currency: str, locale: Locale) -> str:
    pattern = locale.currency_formats["standard"]
    prefix, suffix = pattern.prefix[0], pattern.suffix[0]
    # Letter codes ("USD") always stand apart from the figure; signs follow the locale's spacing.
    if "¤" in suffix:
        return f"{number}{_NBSP}{currency}" if currency[-1].isalpha() else f"{number}{suffix.replace('¤', currency)}"
    if "¤" in prefix:
        spaced = prefix.replace("¤", currency)
        if currency[-1].isalpha() and not spaced.endswith((" ", _NBSP)):
            spaced += _NBSP
        return f"{spaced}{number}"
    return f"{currency}{_NBSP}{number}"


@cache
def cldr_scale_words(tag: str) -> dict[str, int]:
    """The words `tag` writes after a number to scale it ("mil millones" → 9, "万" → 4), from CLDR's compact forms.

    The quality gate reads amounts with these, so that it understands whatever `write_amount` wrote.
    """
    locale = babel_locale(tag)
    if locale is None:
        return {}
    formats = locale.compact_decimal_formats
    words: dict[str, int] = {}
    # The spelled-out forms, or the short ones where CLDR has only those (万, 亿); the other short forms ("k",
    # "M", French "Bn" = 10¹²) are abbreviations too ambiguous to read beside units.
    kind = "long" if "long" in formats else "short"
    # CLDR keys them by plural category ("one", "other"), then by magnitude ("1000000000").
    for by_magnitude in formats.get(kind, {}).values():
        for magnitude, pattern in by_magnitude.items():
            # Right-to-left languages wrap the pattern in direction marks ("\u200f0 מיליון").
            zeros = re.match(r"^(0+)\s*(.+)$", str(pattern.pattern).strip("\u200e\u200f\u061c"))
            if zeros is None or "¤" in zeros.group(2) or "'" in zeros.group(2):
                continue
            word = zeros.group(2).strip().casefold()
            exponent = len(str(int(magnitude))) - 1 - (len(zeros.group(1)) - 1)
            words.setdefault(word, exponent)
    return words
