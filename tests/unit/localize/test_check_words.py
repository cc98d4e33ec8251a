"""The word-level checks: source words left in, damaged names, and the dictionary rate (hunspell-backed)."""

from __future__ import annotations

from polywire.localize.checks import load_check
from polywire.localize.checks.base import Finding, Severity, TranslationPair
from polywire.localize.checks.lexicon import dictionary_for
from tests.conftest import missing


def run(name: str, source: str, target: str, tgt: str = "de", protected: tuple[str, ...] = ()) -> list[Finding]:
    pair = TranslationPair.build(
        source=source, target=target, source_lang="en", target_lang=tgt, protected_terms=protected
    )
    return load_check(name).run(pair)


def holding(findings: list[Finding]) -> list[str]:
    return [f.message for f in findings if f.severity is Severity.HOLD]


def require_hunspell(language: str) -> None:
    if dictionary_for(language) is None:
        missing(
            f"hunspell with a {language} dictionary is not installed (apt-get install hunspell hunspell-{language})"
        )


SOURCE = "The new short-range battery brings the car closer to its rivals."


def test_reichweitecloser_is_a_german_word_with_an_english_word_glued_on() -> None:
    """ "Reichweitecloser" holds as German "Reichweite" + English "closer", with the span of that word."""
    require_hunspell("de")
    target = "Die neue Batterie bringt die Reichweitecloser an die Konkurrenz."
    findings = run("source_words", SOURCE, target)
    assert len(holding(findings)) == 1
    start = target.index("Reichweitecloser")
    assert (findings[0].start, findings[0].end) == (start, start + len("Reichweitecloser"))
    assert "closer" in findings[0].message


def test_an_english_word_left_whole_in_german_holds() -> None:
    """An ordinary English word of the source, untranslated in German, holds."""
    require_hunspell("de")
    findings = run("source_words", SOURCE, "Die neue Batterie bringt das Auto closer an die Konkurrenz.")
    assert any("closer" in m for m in holding(findings))


def test_loanwords_and_names_the_target_knows_pass() -> None:
    """German "Software" and the name "Acme" are not English left-overs."""
    require_hunspell("de")
    source = "Acme sells software to 300 online shops."
    assert run("source_words", source, "Acme verkauft Software an 300 Online-Shops.") == []


def test_words_inside_a_protected_term_are_not_left_overs() -> None:
    """ "Energy" inside the protected "Siemens Energy" was kept on purpose; the same word left alone holds.

    Unprotected, "Siemens Energy" kept whole is a company name kept verbatim (a run of capitalised source words),
    so it passes too; before names were recognised that way, it held on "Energy"."""
    require_hunspell("es")
    source = "Siemens Energy cuts energy costs for customers. The energy group said so."
    target = "Siemens Energy reduce los costes de energía para los clientes. El grupo energético lo dijo."
    assert run("source_words", source, target, tgt="es") == []
    stray = "Siemens Energy reduce los costes de energy para los clientes. El grupo energético lo dijo."
    assert any("energy" in m for m in holding(run("source_words", source, stray, tgt="es")))
    assert run("source_words", source, target, tgt="es", protected=("Siemens Energy",)) == []


def test_macronaskuris_is_a_name_fused_with_the_next_word() -> None:
    """ "Macronaskuris" ("Macron" + "as" + "kuris", who) holds as a fused name."""
    require_hunspell("lt")
    source = "President Emmanuel Macron, who visited Vilnius, spoke about security."
    target = "Prezidentas Emmanuelis Macronaskuris lankėsi Vilniuje, kalbėjo apie saugumą."
    messages = holding(run("protected_names", source, target, "lt"))
    assert len(messages) == 1 and "Macronaskuris" in messages[0]


def test_an_inflected_name_is_not_fused() -> None:
    """Lithuanian "Macrono" and "Macronas" inflect the name; they pass."""
    source = "President Emmanuel Macron visited Vilnius."
    assert run("protected_names", source, "Prezidento Emmanuelio Macrono vizitas Vilniuje.", "lt") == []


def test_a_protected_term_that_disappears_or_changes_holds() -> None:
    """A protected term missing from the translation, or altered, holds."""
    source = "Siemens Energy will build the plant."
    gone = run("protected_names", source, "Energía de la empresa construirá la planta.", "es", ("Siemens Energy",))
    assert any("Siemens" in m for m in holding(gone))
    altered = run("protected_names", source, "Siemmens Energy construirá la planta.", "es", ("Siemens Energy",))
    assert any("altered" in m for m in holding(altered))


def test_gibberish_raises_the_out_of_vocabulary_rate_to_hold() -> None:
    """Scrambled German words are unknown to hunspell and the translation holds."""
    require_hunspell("de")
    source = "The company will invest in new factories and hire many workers next year."
    clean = "Das Unternehmen wird im nächsten Jahr in neue Fabriken investieren und viele Arbeiter einstellen."
    scrambled = "Das Nehmenunter wird im nästchen Jahr in neue Bafrikne nivesteiren und viele Tearbier einstellen."
    assert run("oov_rate", source, clean) == []
    assert len(holding(run("oov_rate", source, scrambled))) == 1


def test_without_a_dictionary_the_rate_is_not_guessed() -> None:
    """Malay has no hunspell dictionary here: the check says so in an info finding."""
    if dictionary_for("ms") is not None:
        return
    findings = run("oov_rate", "The deal was signed.", "Perjanjian itu telah ditandatangani.", "ms")
    assert [f.severity for f in findings] == [Severity.INFO]
