"""Dates and clock times in an English source, written the way the target language writes them.

Rule-based engines translate month names word by word where they meet a number: apertium renders "March 3" as
"Marcha 3" (the verb "to march"), "May 20" as "Poden 20" ("they may") and glues Catalan "de setembre" into
"desetembre"; "10 a.m." comes back as "10 à.M.". A date is a fact the reader must get right, so masking takes
dates and times away from the engine and restores them in the target's own form from CLDR (through Babel):
"March 3, 2026" → "3 de marzo de 2026", "3. März 2026", "2026年3月3日"; "10:30 a.m." → "10:30".

Recognised, in English only: "March 3", "March 3rd, 2026", "3 March 2026", "March 2026", a month after a
preposition ("in March", "since August"), with the usual abbreviations ("Sept. 8"); clock times with a.m./p.m.
Anything that is not a real calendar date (February 30) is left to the engine, and so is a bare capitalised "May",
which is more often the verb.
"""

from __future__ import annotations

import re
from datetime import date, time

from babel.dates import format_date, format_skeleton, format_time, get_month_names

from polywire.localize.amounts import babel_locale

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
    r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"  # fmt: skip
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]|2\d)\d\d"
_PREPOSITIONS = r"(?:in|since|until|till|from|by|through|during|of|before|after|early|late|mid-|end of)"

DATE = re.compile(
    rf"\b(?P<m1>{_MONTH})\s(?P<d1>{_DAY})(?:,?\s(?P<y1>{_YEAR}))?(?![\w:])"
    rf"|\b(?P<d2>{_DAY})\s(?P<m2>{_MONTH})(?:,?\s(?P<y2>{_YEAR}))?(?![\w:])"
    rf"|\b(?P<m3>{_MONTH})\s(?P<y3>{_YEAR})\b"
    rf"|\b{_PREPOSITIONS}\s(?P<m4>January|February|March|April|June|July|August|September|October|November|"
    rf"December)\b(?!\s(?:{_DAY}|{_YEAR})\b)"
)
TIME = re.compile(r"\b(?P<h>1[0-2]|0?[1-9])(?::(?P<min>[0-5]\d))?\s?(?P<half>[ap])\.?m\.?(?![\w])", re.IGNORECASE)


def date_span(match: re.Match[str]) -> tuple[int, int]:
    """Where the date of a `DATE` match lies: a bare month is matched with its preposition, which stays outside."""
    return match.span("m4") if match.group("m4") else match.span()


def _month(text: str) -> int:
    return _MONTHS[text.rstrip(".").casefold()]


def localise_date(match: re.Match[str], target: str) -> str | None:
    """The date `match` (from `DATE`) written for `target`, or None when it is no calendar date or CLDR lacks the
    language."""
    locale = babel_locale(target)
    if locale is None:
        return None
    groups = match.groupdict()
    try:
        if groups["m4"]:
            # The month's own name: CLDR's format context may carry a preposition (Catalan "d’agost"), which the
            # engine has already translated from the English before it.
            return str(get_month_names("wide", context="stand-alone", locale=locale)[_month(groups["m4"])])
        if groups["m3"]:
            return str(format_skeleton("yMMMM", date(int(groups["y3"]), _month(groups["m3"]), 1), locale=locale))
        month = groups["m1"] or groups["m2"]
        day = int(re.sub(r"\D", "", groups["d1"] or groups["d2"]))
        year = groups["y1"] or groups["y2"]
        if year:
            return str(format_date(date(int(year), _month(month), day), "long", locale=locale))
        # A leap year, so that "February 29" without a year is still a date.
        return str(format_skeleton("MMMMd", date(2000, _month(month), day), locale=locale))
    except ValueError:
        return None


def localise_time(match: re.Match[str], target: str) -> str | None:
    """The clock time `match` (from `TIME`) written for `target` ("10:30", "10:30 AM", "上午10:30")."""
    locale = babel_locale(target)
    if locale is None:
        return None
    hour = int(match.group("h")) % 12 + (12 if match.group("half").casefold() == "p" else 0)
    return str(format_time(time(hour, int(match.group("min") or 0)), "short", locale=locale))
