"""The engine interface, its in-process twin, the engine chain and the translate_text flow around them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from polywire.localize import (
    Availability,
    DictionaryEngine,
    EngineChain,
    EngineUnavailable,
    TranslationEngine,
    describe_engines,
    translate_text,
)
from polywire.localize.engines import EngineOutput

TABLE = {("en", "es"): {"the": "el", "plant": "planta", "grew": "creció", "in": "en", "and": "y", "said": "dijo"}}


@dataclass
class Unavailable(TranslationEngine):
    """An engine that never supports anything, with a fixed reason."""

    name: str = "never"

    def supports(self, source: str, target: str) -> Availability:
        return Availability(False, "no key configured")

    def translate_detailed(
        self, segments: Sequence[str], *, source: str, target: str, html: bool
    ) -> list[EngineOutput]:
        raise EngineUnavailable("never")


@dataclass
class Forgetful(DictionaryEngine):
    """A twin that loses the second placeholder of every segment, as a misbehaving engine might."""

    def translate_detailed(
        self, segments: Sequence[str], *, source: str, target: str, html: bool
    ) -> list[EngineOutput]:
        outputs = super().translate_detailed(segments, source=source, target=target, html=html)
        return [EngineOutput(o.text.replace("⟦2⟧", ""), o.raw, o.chain, o.unknown_words) for o in outputs]


def test_dictionary_twin_translates_and_marks_unknown_words() -> None:
    """The twin translates word for word, keeps capitals, and reports words it lacks as unknown spans."""
    engine = DictionaryEngine(TABLE)
    [output] = engine.translate_detailed(["The plant grew xyzzy."], source="en", target="es", html=False)
    assert output.text == "El planta creció xyzzy."
    assert [(u.word, output.text[u.start : u.end]) for u in output.unknown_words] == [("xyzzy", "xyzzy")]


def test_dictionary_twin_keeps_html_tags() -> None:
    """In HTML mode the twin translates text nodes and leaves tags, attributes included, alone."""
    engine = DictionaryEngine(TABLE)
    assert engine.translate(['<p class="the">the <b>plant</b></p>'], source="en", target="es", html=True) == [
        '<p class="the">el <b>planta</b></p>'
    ]


def test_chain_falls_through_to_the_next_engine() -> None:
    """The chain skips an engine that cannot do the pair and picks the next one on the route."""
    chain = EngineChain(
        {"never": Unavailable(), "dictionary": DictionaryEngine(TABLE)}, {"es": ["never", "dictionary"]}
    )
    choice = chain.choose("en", "es-MX")
    assert choice.engine.name == "dictionary"
    assert choice.availability.chain == ("en", "es")


def test_chain_explains_why_nothing_can_translate() -> None:
    """When no engine can translate, the error carries each engine's reason."""
    chain = EngineChain({"never": Unavailable()}, {"*": ["never", "missing"]})
    with pytest.raises(EngineUnavailable, match="never: no key configured; missing: not configured"):
        chain.choose("en", "lt")


def test_describe_engines_lists_pairs_with_reasons() -> None:
    """describe_engines gives one row per engine and pair, with availability and the reason when not."""
    rows = describe_engines([DictionaryEngine(TABLE), Unavailable()], [("en", "lt")])
    assert [(r.engine, r.source, r.target, r.available) for r in rows] == [
        ("dictionary", "en", "lt", False),
        ("dictionary", "en", "es", True),
        ("never", "en", "lt", False),
    ]
    assert rows[-1].reason == "no key configured"


def test_translate_text_protects_terms_and_maps_unknown_spans() -> None:
    """translate_text keeps protected terms, applies the glossary and points unknown words at the final text."""
    result = translate_text(
        "Siemens Energy said the plant grew in Xanadu.",
        source="en",
        target="es",
        engine=DictionaryEngine(TABLE),
        protected_terms=["Siemens Energy"],
        glossary={"plant": "central"},
    )
    assert result.text == "Siemens Energy dijo el central creció en Xanadu."
    assert result.engine == "dictionary" and result.chain == ("en", "es")
    assert [result.text[u.start : u.end] for u in result.unknown_words] == ["Xanadu"]
    assert result.restore.ok


def test_translate_text_reports_a_lost_placeholder() -> None:
    """A placeholder the engine lost is reported with the text it stood for."""
    result = translate_text(
        "Acme Corp and Globex Inc grew.", source="en", target="es", engine=Forgetful(TABLE), detect_names=True
    )
    assert [item.original for item in result.restore.missing] == ["Globex Inc"]
    assert "Globex" not in result.text
