"""The vocabulary every quality check speaks: the translation pair it reads, the findings it returns, its protocol.

A check is an object with a ``name`` and ``run(pair) -> list[Finding]``. It never decides whether a translation
goes out; it says what it saw, how bad it is (``Severity``) and where in the target text (character offsets), and
the gate (``polywire.localize.gate``) turns findings into a verdict under a publisher's policy.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar, cast

from polywire.localize.links import BARE_DOMAIN
from polywire.localize.segment import Sentence, primary_language, split_sentences


class Severity(StrEnum):
    """How bad a finding is: ``info`` is a note, ``warn`` goes out with the finding, ``hold`` stops the copy."""

    INFO = "info"
    WARN = "warn"
    HOLD = "hold"

    @property
    def rank(self) -> int:
        """An order for comparisons: info < warn < hold."""
        return _RANKS[self]


_RANKS = {Severity.INFO: 0, Severity.WARN: 1, Severity.HOLD: 2}
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a check saw, with the span of the target text it is about (``start`` inclusive, ``end`` not)."""

    check: str
    severity: Severity
    message: str
    start: int
    end: int

    def as_json(self) -> dict[str, str | int]:
        """The JSON shape of ``polywire qa`` and the localisation API."""
        return {
            "check": self.check,
            "severity": self.severity.value,
            "message": self.message,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True, slots=True)
class TranslationPair:
    """A source text and its translation, with what the checks need precomputed once.

    ``protected_terms`` are the names and terms the publisher or the masking step protected, and ``masked_names``
    those of them the masking step found by itself (names, not the publisher's terms); ``unknown_spans``
    are target spans the engine reported it did not know; ``pivot_languages`` are the languages an engine went
    through between source and target (``("es",)`` for en→es→pt), whose words may be left in the target. Build
    one with :meth:`build`, which segments both
    texts so that no check splits sentences on its own. What several checks derive from the texts (their words,
    the speller's verdict on the target's words, the source's names) is computed once per pair, on first use,
    through :meth:`derived`, and shared.
    """

    source: str
    target: str
    source_lang: str
    target_lang: str
    source_sentences: tuple[Sentence, ...]
    target_sentences: tuple[Sentence, ...]
    protected_terms: tuple[str, ...] = ()
    unknown_spans: tuple[tuple[int, int], ...] = field(default=())
    pivot_languages: tuple[str, ...] = ()
    masked_names: tuple[str, ...] = ()
    # Values derived from the (immutable) texts, by name; filled by `derived`, not part of the pair's identity.
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    @classmethod
    def build(
        cls,
        *,
        source: str,
        target: str,
        source_lang: str,
        target_lang: str,
        protected_terms: tuple[str, ...] = (),
        unknown_spans: tuple[tuple[int, int], ...] = (),
        pivot_languages: tuple[str, ...] = (),
        masked_names: tuple[str, ...] = (),
    ) -> TranslationPair:
        """Segment both texts and return the pair; pivot languages equal to the source or target are dropped."""
        return cls(
            source=source,
            target=target,
            source_lang=source_lang,
            target_lang=target_lang,
            source_sentences=split_sentences(source, source_lang),
            target_sentences=split_sentences(target, target_lang),
            protected_terms=protected_terms,
            masked_names=masked_names,
            unknown_spans=unknown_spans,
            pivot_languages=tuple(
                dict.fromkeys(
                    primary_language(tag)
                    for tag in pivot_languages
                    if primary_language(tag) not in {primary_language(source_lang), primary_language(target_lang)}
                )
            ),
        )

    @property
    def source_primary(self) -> str:
        """The source's primary language subtag (``en``)."""
        return primary_language(self.source_lang)

    @property
    def target_primary(self) -> str:
        """The target's primary language subtag (``de``, ``zh``)."""
        return primary_language(self.target_lang)

    def derived(self, key: str, compute: Callable[[], _T]) -> _T:
        """``compute()``, run once per pair and ``key``: checks share what they derive from the same texts."""
        try:
            return cast(_T, self._derived[key])
        except KeyError:
            value = self._derived[key] = compute()
            return value

    def sentence_words(self, sentence: Sentence, *, target: bool = True) -> list[Token]:
        """The words of one of the pair's sentences, as `words(sentence.text)` would give them but with spans into
        the whole text, taken from the words of the whole text (links and words never cross a sentence end)."""
        tokens = self.target_words if target else self.source_words
        starts = self.derived(
            "target_word_starts" if target else "source_word_starts", lambda: [t.start for t in tokens]
        )
        first = bisect_left(starts, sentence.start)
        last = bisect_left(starts, sentence.end, first)
        return list(tokens[first:last])

    @property
    def source_words(self) -> tuple[Token, ...]:
        """The words of the source (see `words`), tokenised once per pair."""
        return self.derived("source_words", lambda: tuple(words(self.source)))

    @property
    def target_words(self) -> tuple[Token, ...]:
        """The words of the target (see `words`), tokenised once per pair."""
        return self.derived("target_words", lambda: tuple(words(self.target)))


class Check(Protocol):
    """A quality check: a name, and a function from a translation pair to findings about its target."""

    @property
    def name(self) -> str: ...

    def run(self, pair: TranslationPair) -> list[Finding]: ...


# A word: letters, optionally joined by an inner hyphen or apostrophe ("Start-up", "l'entreprise" stays one), or
# by the Catalan middle dot of "l·l" ("satèl·lit", "col·lecció": one word, which spellers know whole).
# CJK characters are not letters of a word here: Chinese has no spaces, so "Chen表示" is a name and a verb,
# not one word.
_CJK_CHARS = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af"
_LETTER = rf"(?:(?![{_CJK_CHARS}])[^\W\d_])"
WORD = re.compile(rf"{_LETTER}+(?:['’\-\u00b7\u2027]{_LETTER}+)*")


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a text with its span."""

    text: str
    start: int
    end: int


# URLs and e-mail addresses are not words: "press" in press@example.com is not an English word left in.
LINK = re.compile(
    r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&*+,;=%]+|[A-Za-z0-9.+\-_]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
    rf"|(?-i:{BARE_DOMAIN.pattern})",
    re.IGNORECASE,
)


def words(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The words of ``text[start:end]`` outside URLs and e-mail addresses, with spans into ``text``."""
    stop = len(text) if end is None else end
    link_starts: list[int] = []
    link_ends: list[int] = []
    for link in LINK.finditer(text):
        link_starts.append(link.start())
        link_ends.append(link.end())
    found = []
    for m in WORD.finditer(text, start, stop):
        # Links do not overlap and come in order: only the last one starting at or before the word can hold it.
        i = bisect_right(link_starts, m.start()) - 1
        if i >= 0 and m.start() < link_ends[i]:
            continue
        found.append(Token(m.group(0), m.start(), m.end()))
    return found


def whole_target(pair: TranslationPair) -> tuple[int, int]:
    """The span of the whole target, for findings about the translation as a whole."""
    return 0, len(pair.target)


def quote(text: str, limit: int = 60) -> str:
    """A short, single-line quotation of ``text`` for a finding's message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
