"""Which copy a subscriber gets: BCP 47 matching, and the most specific translation when several match."""

from __future__ import annotations

from polywire.domain.languages import WAIT, closest, every_copy, language_matches, preferred_copy


def test_generic_tags_match_any_variety_both_ways() -> None:
    assert language_matches("pt-BR", "pt") and language_matches("pt", "pt-BR")
    assert not language_matches("pt-BR", "pt-PT")
    assert language_matches("ca-VALENCIA", "ca-valencia")


def test_the_most_specific_ready_translation_wins() -> None:
    ready = ("ca", "ca-valencia", "pt", "pt-BR")
    assert preferred_copy(("ca-VALENCIA", "en"), original="en", ready=ready, held=()) == "ca-valencia"
    assert preferred_copy(("pt-BR",), original="en", ready=ready, held=()) == "pt-BR"
    # A reader of plain Portuguese gets plain Portuguese, not the Brazilian copy listed after it.
    assert preferred_copy(("pt",), original="en", ready=("pt-BR", "pt"), held=()) == "pt"
    assert preferred_copy(("ca",), original="en", ready=ready, held=()) == "ca"


def test_a_generic_ready_copy_serves_a_regional_reader_while_its_own_is_held() -> None:
    assert preferred_copy(("pt-BR",), original="en", ready=("pt",), held=("pt-BR",)) == "pt"
    assert preferred_copy(("pt-BR",), original="en", ready=(), held=("pt-BR",)) == WAIT
    assert preferred_copy(("de",), original="en", ready=("pt",), held=()) is None


def test_every_copy_takes_the_closest_per_language() -> None:
    ready = ("ca", "ca-valencia", "es")
    assert every_copy(("ca-VALENCIA", "es", "en"), original="en", ready=ready) == ("ca-valencia", "es", "en")
    assert closest("fr", ready) is None
