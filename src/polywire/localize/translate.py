"""Translating one text: protect what must not change, run the engine, restore, and keep what the gate needs.

This is the seam between the localisation flow and the engines. It returns a `Translation` that carries, beside
the text, everything the quality gate checks against: the engine and language chain that produced it, the words
the engine marked as unknown (as spans of the final text) and the placeholders that did not come back whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from polywire.localize.engines.base import TranslationEngine, UnknownWord
from polywire.localize.protect import Kind, Protected, RestoreReport, mask, restore


@dataclass(frozen=True, slots=True)
class Translation:
    """A translated text with its provenance and the engine's own doubts about it."""

    text: str
    source: str
    target: str
    engine: str
    chain: tuple[str, ...]
    unknown_words: tuple[UnknownWord, ...]
    restore: RestoreReport
    protected: tuple[Protected, ...]


def translate_texts(
    texts: Sequence[str],
    *,
    source: str,
    target: str,
    engine: TranslationEngine,
    protected_terms: Iterable[str] = (),
    glossary: Mapping[str, str] | None = None,
    html: bool = False,
    detect_names: bool = True,
) -> list[Translation]:
    """Translate several texts of one release (headline, summary, body) in one engine call."""
    terms = tuple(protected_terms)
    masked = [
        mask(
            text,
            protected_terms=terms,
            glossary=glossary,
            html=html,
            source=source,
            target=target,
            detect_names=detect_names,
        )
        for text in texts
    ]
    outputs = engine.translate_detailed([m.text for m in masked], source=source, target=target, html=html)
    translations = []
    for piece, output in zip(masked, outputs, strict=True):
        restored = restore(output.text, piece)
        # Unknown-word spans point into the engine's text; carry them over the restored placeholders.
        unknown = tuple(
            UnknownWord(
                u.word,
                restored.map_offset(u.start),
                restored.map_offset(u.start) + (u.end - u.start),
                u.mark,
                u.step,
            )
            for u in output.unknown_words
        )
        translations.append(
            Translation(
                text=restored.text,
                source=source,
                target=target,
                engine=engine.name,
                chain=output.chain,
                unknown_words=unknown,
                restore=restored.report,
                protected=piece.items,
            )
        )
    return translations


def translate_text(
    text: str,
    *,
    source: str,
    target: str,
    engine: TranslationEngine,
    protected_terms: Iterable[str] = (),
    glossary: Mapping[str, str] | None = None,
    html: bool = False,
    detect_names: bool = True,
) -> Translation:
    """Translate one text with its protected terms and glossary; see `translate_texts`."""
    return translate_texts(
        [text],
        source=source,
        target=target,
        engine=engine,
        protected_terms=protected_terms,
        glossary=glossary,
        html=html,
        detect_names=detect_names,
    )[0]


def masked_names(translation: Translation, publisher_terms: Iterable[str]) -> tuple[str, ...]:
    """The names masking found by itself in the source (not the publisher's terms), for the gate: one a person
    later leaves out of an edited translation is their rendering, not damage."""
    publisher = set(publisher_terms)
    return tuple(
        dict.fromkeys(p.original for p in translation.protected if p.kind is Kind.NAME and p.original not in publisher)
    )
