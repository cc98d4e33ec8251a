"""The gate's warm-up loads the per-language resources a first release would otherwise wait for."""

from __future__ import annotations

from polywire.localize.checks import lexicon
from polywire.localize.gate import warm_up
from tests.conftest import missing


def test_warm_up_starts_the_spelling_dictionary_of_each_language() -> None:
    dictionary = lexicon.dictionary_for("es")
    if dictionary is None:
        missing("no Spanish hunspell dictionary: install hunspell-es")
    lexicon.close_spellers()
    assert str(dictionary) not in lexicon._SPELLERS
    warm_up(["es"])
    assert str(dictionary) in lexicon._SPELLERS


def test_warm_up_survives_a_language_nothing_knows() -> None:
    warm_up(["x-klingon", "zz"])  # no dictionary, no model: nothing to load, and nothing raises
