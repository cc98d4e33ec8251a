"""Sentence segmentation for the quality checks: paragraphs, then sentences, as character spans of the text.

Checks compare a source with its translation sentence by sentence, and every finding points at a span of the
target, so the splitter keeps offsets rather than returning bare strings. It is rule-based and small on
purpose: a line break always ends a paragraph; ``. ! ? …`` followed by space end a sentence unless the word
before the full stop is a known abbreviation of that language, a single initial ("J. Smith"), or an ordinal
number followed by a month or, in languages that write ordinals with a full stop, by a lowercase word ("am 5.
März", "2024 m. birželio"); a word joined by a middle dot ("satèl·lit") is one word; decimals ("1.5", "1,000")
never split because no space follows the separator; closing quotes and brackets stay with their sentence; the
CJK full stops ``。！？`` end a sentence without a following space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations (lowercase, without the final full stop) after which a full stop does not end a sentence.
# Inner dots are kept ("z.b") so that multi-part abbreviations match as one word.
_COMMON_ABBREVIATIONS = frozenset({"etc", "e.g", "i.e", "vs", "ca", "approx", "no", "nr", "dr", "prof", "st"}) | (
    # Company legal forms, written the same in every language's press: "Ortuño Ingenieros S.A. ha acordado …".
    frozenset({"s.a", "s.p.a", "s.l", "s.l.u", "n.v", "b.v", "s.a.s", "s.r.l", "r.l", "a.g", "sp", "o.o", "k.k", "a.s"})
    | frozenset({"s.r.o", "r.o", "spol", "d.o.o", "d.d", "a.d", "s.c.a", "s.c.s", "e.v", "s.a.a", "s.a.c", "s.a.e"})
)
_ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": frozenset(
        {
            "mr",
            "mrs",
            "ms",
            "inc",
            "ltd",
            "co",
            "corp",
            "jr",
            "sr",
            "gen",
            "gov",
            "sen",
            "rep",
            "dept",
            "est",
            "jan",
            "feb",
            "mar",
            "apr",
            "jun",
            "jul",
            "aug",
            "sep",
            "sept",
            "oct",
            "nov",
            "dec",
            "u.s",
            "u.k",
            "a.m",
            "p.m",
            "fig",
            "mt",
            "ft",
            "vol",
        }
    ),
    "de": frozenset(
        {
            "z.b",
            "u.a",
            "bzw",
            "usw",
            "d.h",
            "mio",
            "mrd",
            "hr",
            "fr",
            "abs",
            "bspw",
            "evtl",
            "ggf",
            "inkl",
            "zzgl",
            "s",
            "u.s.w",
            "v.a",
            "o.ä",
            "jh",
            "tel",
            "str",
        }
    ),
    "es": frozenset({"sr", "sra", "srta", "d", "dña", "núm", "p.ej", "ee.uu", "aprox", "pág", "tel", "av", "avda"}),
    "fr": frozenset({"m", "mm", "mme", "mlle", "env", "p.ex", "av", "bd", "tél", "c.-à-d"}),
    "pt": frozenset({"sr", "sra", "srs", "exmo", "p.ex", "aprox", "av", "pág", "tel", "dra"}),
    "lt": frozenset(
        {"m", "d", "mln", "mlrd", "proc", "val", "pvz", "t.y", "t.t", "kt", "tūkst", "gim", "g", "nr", "str", "a"}
    ),
    "ms": frozenset({"sdn", "bhd", "dr", "tn", "pn", "dll", "dsb", "no"}),
}

# Abbreviations after a figure, which often end a sentence too ("… 9 proc. Liepą …", "… and others, etc. The").
_POSTFIX: dict[str, frozenset[str]] = {
    "en": frozenset({"etc", "inc", "ltd", "co", "corp", "bn", "m"}),
    "de": frozenset({"mio", "mrd", "usw", "etc", "bzw"}),
    "lt": frozenset({"proc", "mln", "mlrd", "tūkst", "val", "kt", "t.t"}),
    "fr": frozenset({"etc"}),
    "es": frozenset({"etc"}),
    "pt": frozenset({"etc"}),
}
# Company legal forms end a sentence only when a new one starts: "Fundy Stream Energy Inc. a reçu …" goes on.
_COMPANY_POSTFIX = frozenset({"inc", "ltd", "co", "corp"})
_GERMAN_OPENERS = frozenset(
    {
        "Der",
        "Die",
        "Das",
        "Den",
        "Dem",
        "Des",
        "Ein",
        "Eine",
        "Er",
        "Sie",
        "Es",
        "Wir",
        "Ich",
        "Im",
        "In",
        "Am",
        "An",
        "Auf",
        "Mit",
        "Nach",
        "Bei",
        "Für",
        "Zum",
        "Zur",
        "Dies",
        "Diese",
        "Dieser",
        "Damit",
        "Dabei",
        "Außerdem",
        "Zudem",
        "Auch",
        "Nun",
        "Jetzt",
        "Bis",
        "Seit",
        "Laut",
        "Wie",
        "Was",
    }
)
# Month names that may follow an ordinal number ("5. März", "2024 m. birželio"), lowercase.
_MONTH_WORDS = frozenset(
    {
        "januar",
        "jänner",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
        "sausio",
        "vasario",
        "kovo",
        "balandžio",
        "gegužės",
        "birželio",
        "liepos",
        "rugpjūčio",
        "rugsėjo",
        "spalio",
        "lapkričio",
        "gruodžio",
    }
)

# Languages that write ordinal numbers with a full stop ("am 3. Mai", "3. største").
_ORDINAL_STOP = frozenset(
    {"de", "da", "no", "nb", "nn", "fi", "is", "fo", "et", "lv", "lt", "cs", "sk", "pl", "sl", "hr", "sr", "bs", "hu"}
    | {"tr", "lb", "rm"}
)
# A sentence end: terminal punctuation, then any closing quotes or brackets, then whitespace or the end.
# In Chinese text a Latin full stop may be followed directly by the next (CJK) sentence.
_LATIN_END = re.compile(r"(?:[.!?]+|…)[\"'”’»)\]]*(?=\s|$|[\u3040-\u30ff\u3400-\u9fff])")
# CJK full stops end a sentence even with no space after them.
_CJK_END = re.compile(r"[。！？][」』”’）)]*")
_WORD_BEFORE = re.compile(r"([\w.\-\u00b7]+)$")
_FIGURE_BEFORE = re.compile(r"\d[\s\u00a0\u202f]?$")
_NEXT_WORD = re.compile(r"\s*[\"'“‘«(\[]*(\w+)")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its text, its character span in the whole text, and the paragraph it belongs to."""

    text: str
    start: int
    end: int
    paragraph: int


def primary_language(tag: str) -> str:
    """The primary language subtag of a BCP 47 tag, lowercase: ``zh-Hant-TW`` → ``zh``."""
    return tag.replace("_", "-").split("-", 1)[0].lower()


def _abbreviations(language: str) -> frozenset[str]:
    return _COMMON_ABBREVIATIONS | _ABBREVIATIONS.get(language, frozenset())


def is_abbreviation(word: str, language: str) -> bool:
    """Whether ``word`` (without its full stop) is a known abbreviation of the primary language ``language``."""
    folded = word.lower()
    return folded in _abbreviations(language) or folded in _POSTFIX.get(language, frozenset())


def _is_false_stop(text: str, stop: int, after: int, language: str) -> bool:
    """Whether the full stop at ``stop`` belongs to an abbreviation, an initial or an ordinal, not a sentence end."""
    if text[stop] not in ".…":
        return False
    # An ellipsis inside a sentence ("we waited... and waited") is followed by a lowercase word.
    if text[stop] == "…" or text.startswith("..", stop):
        nxt = _NEXT_WORD.match(text, after)
        return nxt is not None and nxt.group(1)[0].islower()
    before = _WORD_BEFORE.search(text, 0, stop)
    if before is None:
        return False
    written = before.group(1).strip(".-")
    word = written.lower()
    nxt = _NEXT_WORD.match(text, after)
    next_word = nxt.group(1) if nxt else ""
    if written.islower() and "." not in written and _FIGURE_BEFORE.search(text, 0, before.start()):
        # A lowercase abbreviation after a figure is a unit ("41 mm.", "5 m."), not French "MM." (messieurs): the
        # sentence ends there when the next word opens one. "10 a.m. JST" is a time, whose dots say so.
        return not next_word[:1].isupper()
    if word in _POSTFIX.get(language, frozenset()) or word in _COMPANY_POSTFIX:
        # A unit or figure abbreviation ("94,6 proc.", "450 mln.") may end a sentence: it does when the next
        # word opens one. German capitalises every noun ("1,5 Mio. Euro"), so there only a typical sentence
        # opener counts.
        if language == "de":
            return next_word not in _GERMAN_OPENERS
        return not next_word[:1].isupper()
    if word in _abbreviations(language):
        return True
    # A single letter is an initial ("J. Smith") or an abbreviation; a sentence rarely ends on one letter.
    if len(word) == 1 and word.isalpha():
        return True
    if not word.isdigit() or not next_word or text[: before.start()].endswith("/"):
        # A figure at the end of a URL ("…/2026.") is no ordinal.
        return False
    # An ordinal ("am 5. März", "2024 m. birželio") continues with a month or, in the languages that write
    # ordinals with a full stop, with a lowercase word ("der 3. größte"); elsewhere a lowercase word after
    # "2026." starts a sentence that lost its capital ("… /2026. s'haurien d'enviar …").
    return next_word.lower() in _MONTH_WORDS or (next_word[0].islower() and language in _ORDINAL_STOP)


def _split_paragraph(text: str, offset: int, language: str, paragraph: int) -> list[Sentence]:
    ends: list[int] = []
    for match in _LATIN_END.finditer(text):
        if not _is_false_stop(text, match.start(), match.end(), language):
            ends.append(match.end())
    ends.extend(match.end() for match in _CJK_END.finditer(text))
    sentences: list[Sentence] = []
    cursor = 0
    for end in sorted(set(ends)):
        if end <= cursor:
            continue
        sentences.extend(_trimmed(text, cursor, end, offset, paragraph))
        cursor = end
    sentences.extend(_trimmed(text, cursor, len(text), offset, paragraph))
    return sentences


def _trimmed(text: str, start: int, end: int, offset: int, paragraph: int) -> list[Sentence]:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return []
    lead = len(chunk) - len(chunk.lstrip())
    begin = offset + start + lead
    return [Sentence(text=stripped, start=begin, end=begin + len(stripped), paragraph=paragraph)]


def split_sentences(text: str, language: str) -> tuple[Sentence, ...]:
    """Split ``text`` into sentences with spans into ``text``; ``language`` is a BCP 47 tag."""
    primary = primary_language(language)
    sentences: list[Sentence] = []
    paragraph = 0
    offset = 0
    # Each line is a paragraph: press releases arrive as plain text with one paragraph per line, and an
    # engine must not move a sentence across a line break.
    for line in text.split("\n"):
        if line.strip():
            sentences.extend(_split_paragraph(line, offset, primary, paragraph))
            paragraph += 1
        offset += len(line) + 1
    return tuple(sentences)
