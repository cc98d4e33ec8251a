"""The translation engine interface, its result types and its errors, plus an in-process dictionary twin.

An engine turns a batch of segments (a headline, a summary, a body) from one BCP 47 language into another in one
call, because every engine we use pays a fixed cost per call (a process start for apertium, a round trip for the
HTTP services). Engines say up front whether they can do a pair and, when not, why, in words an operator can act
on. The errors follow the rule that permanent and temporary failures are different types::

    PolywireError
     └── EngineError              the engine could not translate this batch
          ├── EngineUnavailable   permanent for this engine and pair: not installed, pair missing, key refused,
          │                       quota used up; retrying will not help, try the next engine in the chain
          └── EngineTemporaryError  a timeout, a rate limit or a server error; `retry_after` when the service said
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from polywire.errors import PolywireError


class EngineError(PolywireError):
    """An engine failed to translate a batch; the message says which engine and why."""


class EngineUnavailable(EngineError):
    """The engine cannot do this pair at all (missing software, missing pair, refused key, exhausted quota)."""


class EngineTemporaryError(EngineError):
    """The engine failed in a way that may pass: a timeout, a rate limit, a server error."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Availability:
    """Whether an engine can translate a pair; `reason` tells a person what to do when it cannot."""

    ok: bool
    reason: str = ""
    # The languages the text passes through, source first, target last: ("en", "es", "pt") for a pivot.
    chain: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.ok


@dataclass(frozen=True, slots=True)
class UnknownWord:
    """A word the engine marked as not understood, as a span of the clean output text.

    `mark` is the engine's own sign: apertium writes ``*`` before a word it does not know, ``@`` before one its
    bilingual dictionary lacks and ``#`` before one it could not inflect. `step` names the engine step that
    marked it (``eng-spa``), which matters for pivots.
    """

    word: str
    start: int
    end: int
    mark: str
    step: str


@dataclass(frozen=True, slots=True)
class EngineOutput:
    """One translated segment: clean text, the engine's raw text, its unknown-word marks and the language chain."""

    text: str
    raw: str
    chain: tuple[str, ...]
    unknown_words: tuple[UnknownWord, ...] = ()


class TranslationEngine(ABC):
    """A translation engine: reports what it can do and translates batches of plain-text or HTML segments."""

    name: str

    @abstractmethod
    def supports(self, source: str, target: str) -> Availability:
        """Whether this engine can translate `source` → `target` (BCP 47) here and now, and why not."""

    @abstractmethod
    def translate_detailed(
        self, segments: Sequence[str], *, source: str, target: str, html: bool
    ) -> list[EngineOutput]:
        """Translate every segment; the result has one entry per segment, in order."""

    def translate(self, segments: Sequence[str], *, source: str, target: str, html: bool) -> list[str]:
        """Translate every segment and return only the clean texts."""
        return [output.text for output in self.translate_detailed(segments, source=source, target=target, html=html)]

    def known_pairs(self) -> list[tuple[str, str]]:
        """The pairs this engine knows it can do without asking a remote service; empty when it cannot tell."""
        return []


def primary_subtag(tag: str) -> str:
    """The primary language subtag of a BCP 47 tag, lowercase: ``pt-BR`` → ``pt``."""
    return tag.replace("_", "-").split("-", 1)[0].lower()


# Text nodes and tags of an HTML fragment; the twin translates only the text between tags.
_TAG = re.compile(r"(<[^>]*>)")
# Letters only: digits (amounts, placeholder numbers) pass through untouched, as they do in real engines.
_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class DictionaryEngine(TranslationEngine):
    """An in-process twin: translates word for word from a table, for tests of the flow around engines.

    `tables` maps ``(source, target)`` primary subtags to ``{word: translation}``; lookups ignore case and keep
    a leading capital. Words missing from the table are kept and reported as unknown with the mark ``*``, the
    way apertium does, so the flow's handling of marks can be tested without apertium.
    """

    tables: Mapping[tuple[str, str], Mapping[str, str]]
    name: str = "dictionary"
    calls: list[tuple[str, str, int]] = field(default_factory=list)

    def supports(self, source: str, target: str) -> Availability:
        pair = (primary_subtag(source), primary_subtag(target))
        if pair in self.tables:
            return Availability(True, chain=pair)
        return Availability(False, f"the dictionary twin has no table for {pair[0]}→{pair[1]}")

    def known_pairs(self) -> list[tuple[str, str]]:
        return sorted(self.tables)

    def translate_detailed(
        self, segments: Sequence[str], *, source: str, target: str, html: bool
    ) -> list[EngineOutput]:
        availability = self.supports(source, target)
        if not availability:
            raise EngineUnavailable(f"{self.name}: {availability.reason}")
        self.calls.append((source, target, len(segments)))
        pair = (primary_subtag(source), primary_subtag(target))
        table = {word.casefold(): translation for word, translation in self.tables[pair].items()}
        step = "-".join(availability.chain)
        return [self._one(segment, table, html, step, availability.chain) for segment in segments]

    def _one(
        self, segment: str, table: Mapping[str, str], html: bool, step: str, chain: tuple[str, ...]
    ) -> EngineOutput:
        out: list[str] = []
        unknown: list[UnknownWord] = []
        length = 0
        parts = _TAG.split(segment) if html else [segment]
        for part in parts:
            if html and part.startswith("<"):
                out.append(part)
                length += len(part)
                continue
            cursor = 0
            for match in _WORD.finditer(part):
                out.append(part[cursor : match.start()])
                length += match.start() - cursor
                word = match.group()
                translation = table.get(word.casefold())
                if translation is None:
                    unknown.append(UnknownWord(word, length, length + len(word), "*", step))
                    translation = word
                elif word[0].isupper():
                    translation = translation[:1].upper() + translation[1:]
                out.append(translation)
                length += len(translation)
                cursor = match.end()
            out.append(part[cursor:])
            length += len(part) - cursor
        return EngineOutput(text="".join(out), raw="".join(out), chain=chain, unknown_words=tuple(unknown))
