"""The shared word knowledge of the checks: the long-lived hunspell speller, its fallback, and per-pair sharing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from polywire.localize.checks import lexicon
from polywire.localize.checks.base import TranslationPair, words
from polywire.localize.checks.lexicon import dictionary_for, english_common_word
from polywire.localize.checks.vocabulary import source_names, target_misspelt
from tests.conftest import missing

SPANISH = (
    "Nordlicht Energy y Baltic Grid Partners firmaron el martes un acuerdo para construir un parque eólico. "
    "La Comisión Europea aprobó el plan en marzo, tras una revisión de once meses. "
    "El proyecto creará unos 1.200 empleos y costará unos 1.200 millones de euros; véase "
    "https://www.nordlicht-energy.example/aurora-bank o escriba a press@nordlicht-energy.example. "
    "Kazlauskas dijo que la conexión hará la red más estable, aunque la turbinaa y el xyzzyq no existen."
)


def spanish_dictionary() -> str:
    dictionary = lexicon.dictionary_for("es")
    if dictionary is None:
        missing("hunspell with a Spanish dictionary is not installed (apt-get install hunspell hunspell-es)")
    return str(dictionary)


def speller_for(dictionary: str) -> lexicon.Speller:
    speller = lexicon._speller(dictionary)
    if speller is None:
        missing("stdbuf (coreutils) is not installed, so there is no long-lived speller")
    assert speller is not None
    return speller


def parts_of(text: str) -> list[str]:
    return sorted({part for token in words(text) for part in lexicon._parts(token.text)})


@pytest.fixture(autouse=True)
def fresh_spellers() -> Iterator[None]:
    """Each test starts without spellers or remembered answers, and stops the spellers it started."""
    lexicon.close_spellers()
    lexicon.forget_answers()
    yield
    lexicon.close_spellers()
    lexicon.forget_answers()


def test_the_long_lived_speller_answers_as_one_hunspell_process_per_call_does() -> None:
    """Batch after batch, the speller rejects exactly what ``hunspell -l`` rejects for the same lines."""
    dictionary = spanish_dictionary()
    speller = speller_for(dictionary)
    for text in (SPANISH, "El proyecto avanza.", SPANISH.upper(), "qzxjv turbinaa aerogenerador"):
        lines = parts_of(text)
        assert speller.rejected(lines) == lexicon._ask_once(dictionary, lines)
    assert {"turbinaa", "xyzzyq"} <= speller.rejected(parts_of(SPANISH))
    assert lexicon._speller(dictionary) is speller, "one process per dictionary, reused"


def test_a_batch_larger_than_one_round_trip_is_answered_whole() -> None:
    """Batches are cut into chunks so the pipes cannot fill up; the answer covers every chunk."""
    dictionary = spanish_dictionary()
    speller = speller_for(dictionary)
    lines = [f"palabrainventada{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(3 * lexicon._CHUNK + 7)]
    lines += ["casa", "proyecto"]
    assert speller.rejected(lines) == set(lines) - {"casa", "proyecto"}


def test_misspelt_is_the_same_with_or_without_the_long_lived_speller(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without stdbuf every batch is its own hunspell process, with the same answer; hyphenated words by part."""
    spanish_dictionary()
    candidates = frozenset(t.text for t in words(SPANISH)) | {"Start-upp", "ex-ministro"}
    with_speller = lexicon.misspelt("es", candidates)
    assert with_speller is not None and {"turbinaa", "xyzzyq", "Start-upp"} <= with_speller
    assert "ex-ministro" not in with_speller
    lexicon.close_spellers()
    lexicon.forget_answers()
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "stdbuf" else real_which(name))
    assert lexicon.misspelt("es", candidates) == with_speller
    assert lexicon._SPELLERS == {}


def test_a_speller_that_dies_is_replaced_and_the_batch_still_answered() -> None:
    """A killed hunspell process costs one fallback batch, not a wrong answer; the next call starts a new one."""
    dictionary = spanish_dictionary()
    speller = speller_for(dictionary)
    speller._process.kill()
    speller._process.wait()
    expected = lexicon._ask_once(dictionary, parts_of(SPANISH))
    assert lexicon._ask(dictionary, parts_of(SPANISH)) == expected
    replacement = lexicon._speller(dictionary)
    assert replacement is not None and replacement is not speller
    assert replacement.rejected(parts_of(SPANISH)) == expected


def test_answers_are_remembered_per_word_and_forgotten_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """A word already asked about costs no round trip; ``forget_answers`` makes the next call ask again."""
    spanish_dictionary()
    asked: list[list[str]] = []
    real_ask = lexicon._ask

    def counting(dictionary: str, lines: list[str]) -> set[str]:
        asked.append(lines)
        return real_ask(dictionary, lines)

    monkeypatch.setattr(lexicon, "_ask", counting)
    first = lexicon.misspelt("es", frozenset({"casa", "turbinaa"}))
    second = lexicon.misspelt("es", frozenset({"casa", "turbinaa", "proyecto"}))
    assert first == second == frozenset({"turbinaa"})
    assert asked == [["casa", "turbinaa"], ["proyecto"]]
    lexicon.forget_answers()
    assert lexicon.misspelt("es", frozenset({"casa"})) == frozenset()
    assert asked[-1] == ["casa"]


def test_what_checks_derive_from_a_pair_is_computed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Several checks asking for the target's rejected words or the source's names share one computation."""
    spanish_dictionary()
    pair = TranslationPair.build(
        source="Anna Lindqvist said the Aurora Bank farm will open.",
        target="Anna Lindqvist dijo que el parque Aurora Bank abrirá turbinaa.",
        source_lang="en",
        target_lang="es",
    )
    calls: list[frozenset[str]] = []
    real = lexicon.misspelt

    def counting(tag: str, candidates: frozenset[str]) -> frozenset[str] | None:
        calls.append(candidates)
        return real(tag, candidates)

    monkeypatch.setattr("polywire.localize.checks.vocabulary.misspelt", counting)
    first = target_misspelt(pair)
    assert first is not None and "turbinaa" in first
    assert target_misspelt(pair) is first
    assert len(calls) == 1
    assert source_names(pair) is source_names(pair)
    assert source_names(pair) == frozenset({"Lindqvist", "Aurora", "Bank"})
    assert pair.derived("answer", lambda: 42) == 42
    assert pair.derived("answer", lambda: 0) == 42


def test_sentence_words_match_words_of_the_sentence_text() -> None:
    """Words of a sentence taken from the whole text equal those of the sentence alone; links are not words."""
    source = "See https://x.example/a.b for more. Write to press@x.example today! Done."
    pair = TranslationPair.build(source=source, target=SPANISH, source_lang="en", target_lang="es")
    for sentences, target in ((pair.source_sentences, False), (pair.target_sentences, True)):
        for sentence in sentences:
            expected = [t.text for t in words(sentence.text)]
            assert [t.text for t in pair.sentence_words(sentence, target=target)] == expected
    assert [t.text for t in words(source)] == ["See", "for", "more", "Write", "to", "today", "Done"]


def test_an_english_common_word_is_one_an_american_or_british_speller_knows_in_lowercase() -> None:
    for tag in ("en-US", "en-GB"):
        if dictionary_for(tag) is None:
            missing(f"hunspell's {tag} dictionary is not installed (apt-get install hunspell-{tag.lower()})")
    assert english_common_word("fisheries") and english_common_word("civilisations")
    assert not english_common_word("queensland")
