"""Apertium mode discovery, chain planning, install hints and mark parsing, without running apertium."""

from __future__ import annotations

from pathlib import Path

import pytest

from polywire.localize.engines.apertium import ApertiumEngine, discover_modes, shortest_chain, strip_marks


@pytest.fixture
def datadir(tmp_path: Path) -> Path:
    """A fake apertium data directory with a few modes, including a variant and a non-translation mode."""
    modes = tmp_path / "modes"
    modes.mkdir()
    for name in ["eng-spa", "spa-eng", "es-pt", "es-pt_BR", "eng-cat", "cat-por", "eco-es-fr", "cat-por_PTpre1990"]:
        (modes / f"{name}.mode").write_text("cat\n")
    return tmp_path


def engine(datadir: Path) -> ApertiumEngine:
    # `true` stands in for the binary: planning only needs it to exist on PATH.
    return ApertiumEngine(binary="true", datadirs=[datadir])


def test_modes_are_read_as_bcp47_pairs(datadir: Path) -> None:
    """Mode names map to BCP 47 languages; unusable variants and non-translation modes are left out."""
    found = {(m.name, m.source, m.target, m.variant) for m in discover_modes([datadir])}
    assert found == {
        ("eng-spa", "en", "es", ""),
        ("spa-eng", "es", "en", ""),
        ("es-pt", "es", "pt", ""),
        ("es-pt_BR", "es", "pt", "br"),
        ("eng-cat", "en", "ca", ""),
        ("cat-por", "ca", "pt", ""),
    }


def test_pivot_prefers_spanish_among_equally_short_chains(datadir: Path) -> None:
    """en→pt has two 2-step chains (via es and via ca); the preferred pivot es wins and is recorded."""
    availability = engine(datadir).supports("en", "pt")
    assert availability.ok and availability.chain == ("en", "es", "pt")
    assert availability.reason == "apertium eng-spa → es-pt"


def test_regional_target_uses_the_variant_mode(datadir: Path) -> None:
    """pt-BR runs es-pt_BR on the last step and records pt-BR in the chain."""
    availability = engine(datadir).supports("en", "pt-BR")
    assert availability.chain == ("en", "es", "pt-BR")
    assert availability.reason.endswith("es-pt_BR")


def test_missing_pair_names_the_packages_to_install(datadir: Path) -> None:
    """A pair with no chain names the Debian package that would add the missing step."""
    availability = engine(datadir).supports("en", "it")
    assert not availability.ok
    assert "apt-get install apertium-spa-ita" in availability.reason


def test_missing_binary_says_how_to_install(datadir: Path) -> None:
    """Without the binary, supports() says which apt-get command fixes it."""
    availability = ApertiumEngine(binary="no-such-apertium-binary", datadirs=[datadir]).supports("en", "es")
    assert not availability.ok
    assert "apt-get install apertium apertium-eng-spa" in availability.reason


def test_shortest_chain_respects_the_step_limit() -> None:
    """No chain longer than max_steps is returned."""
    edges = [("a", "b"), ("b", "c"), ("c", "d")]
    assert shortest_chain(edges, "a", "c", max_steps=2, preference=()) == ["a", "b", "c"]
    assert shortest_chain(edges, "a", "d", max_steps=2, preference=()) is None


def test_marks_are_removed_and_recorded_but_emails_and_entities_are_not_marks() -> None:
    """*, @ and # at a word start are marks; inside an address or an entity they are text."""
    clean, unknown = strip_marks("El *xyzzy y #<prn> @casa, press@acme.com &#233; ⟦1⟧ *⟦2⟧", "eng-spa")
    assert clean == "El xyzzy y <prn> casa, press@acme.com &#233; ⟦1⟧ ⟦2⟧"
    assert [(u.word, u.mark, clean[u.start : u.end]) for u in unknown] == [
        ("xyzzy", "*", "xyzzy"),
        ("<prn>", "#", "<prn>"),
        ("casa", "@", "casa"),
    ]
