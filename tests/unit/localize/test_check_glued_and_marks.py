"""Glued words held one by one, Catalan words kept whole by the tokeniser, and the engine's unknown-word marks."""

from __future__ import annotations

import pytest

from polywire.localize.checks import load_check
from polywire.localize.checks.base import Finding, Severity, TranslationPair, words
from polywire.localize.checks.lexicon import dictionary_for
from tests.conftest import missing


def run(
    name: str,
    source: str,
    target: str,
    tgt: str,
    *,
    unknown: tuple[tuple[int, int], ...] = (),
    pivots: tuple[str, ...] = (),
) -> list[Finding]:
    pair = TranslationPair.build(
        source=source, target=target, source_lang="en", target_lang=tgt, unknown_spans=unknown, pivot_languages=pivots
    )
    return load_check(name).run(pair)


def held(findings: list[Finding], target: str) -> list[str]:
    return [target[f.start : f.end] for f in findings if f.severity is Severity.HOLD]


def spans(target: str, *found: str) -> tuple[tuple[int, int], ...]:
    return tuple((target.index(word), target.index(word) + len(word)) for word in found)


@pytest.fixture
def spellers() -> None:
    for language in ("es", "ca", "pt", "de"):
        if dictionary_for(language) is None:
            missing(f"hunspell with a {language} dictionary is not installed (apt-get install hunspell-{language})")


def test_catalan_middle_dot_and_apostrophes_keep_a_word_whole() -> None:
    text = "El satèl·lit de l'empresa col·labora des d’agost."
    assert [t.text for t in words(text)] == ["El", "satèl·lit", "de", "l'empresa", "col·labora", "des", "d’agost"]


@pytest.mark.usefixtures("spellers")
@pytest.mark.parametrize(
    ("source", "target", "tgt", "glued", "pivots"),
    [
        (
            "The shipping group reported a second-quarter loss of $96 million.",
            "El grup va reportar una pèrduadequart segon de 96 milions $.",
            "ca",
            "pèrduadequart",
            (),
        ),
        (
            "The story of the university began in 1845.",
            "lahistoriade la universidad empezó en 1845.",
            "es",
            "lahistoriade",
            (),
        ),
        (
            "Berlin-based start-up Fernweh Labs raised 38 million euros.",
            "Inicio basadoenBerlín-arriba Fernweh Labs ha criado 38 millones de euros.",
            "es",
            "basadoenBerlín",
            (),
        ),
        (
            "It released its accounting software on March 12.",
            "Lançou o seu programadecontabilidad a 12 de março.",
            "pt",
            "programadecontabilidad",
            ("es",),
        ),
    ],
)
def test_a_word_glued_from_two_or_three_words_holds_on_its_own(
    source: str, target: str, tgt: str, glued: str, pivots: tuple[str, ...]
) -> None:
    """One glued word is too few for the rate, but it holds: its parts are common words ("pèrdua" + "de" + …)."""
    findings = [f for f in run("oov_rate", source, target, tgt, pivots=pivots) if "glues" in f.message]
    assert held(findings, target) == [glued]


@pytest.mark.usefixtures("spellers")
def test_rare_real_words_names_and_closed_compounds_are_not_glued() -> None:
    """A rare word the dictionary lacks is in wordfreq ("recompra"); a source brand is kept; German compounds."""
    source = "Harrowgate approved a share repurchase programme. Nordvik Offshore Wind and GreenPort said so."
    spanish = "Harrowgate aprobó un programa de recompra de acciones. Nordvik Offshore Wind y GreenPort lo dijeron."
    assert not [f for f in run("oov_rate", source, spanish, "es") if "glues" in f.message]
    german = "Die Reichweitenberechnung der Firma wurde verbessert, sagte der Konzern."
    assert not [f for f in run("oov_rate", "The range calculation improved.", german, "de") if "glues" in f.message]


@pytest.mark.usefixtures("spellers")
def test_older_portuguese_spellings_are_no_unknown_words() -> None:
    """Pre-1990 spellings ("accionistas", "européia", "infra-estrutura") and mesoclisis ("retirar-se-á")."""
    source = "The European shareholders of the infrastructure fund said the chief executive will retire in time."
    target = (
        "Os accionistas europeus do fundo de infra-estrutura disseram que a directora européia retirar-se-á a tempo."
    )
    assert [f for f in run("oov_rate", source, target, "pt") if f.severity is not Severity.INFO] == []


def test_a_mark_after_a_unit_slash_holds_but_not_inside_a_link() -> None:
    """ "km/h" → "mil m/*h": the mark is left in; a star inside a link ("https://x.org/*path") is the link's."""
    source = "Speeds of 200 km/h, see the site."
    target = "Velocidades de 200 mil m/*h, vea https://example.org/*news."
    assert held(run("unknown_marks", source, target, "es"), target) == ["*h"]


@pytest.mark.usefixtures("spellers")
def test_reported_names_and_target_words_are_noted_and_other_unknowns_warn() -> None:
    """Under strict, "Okonjo" (a name kept from the source) and Catalan "milió" must not hold; "webcast" warns."""
    source = "Marguerite Okonjo will host a webcast on the 1 million homes."
    target = "Marguerite Okonjo farà un webcast sobre el milió de llars."
    findings = run("unknown_marks", source, target, "ca", unknown=spans(target, "Okonjo", "webcast", "milió"))
    assert [(target[f.start : f.end], f.severity) for f in findings] == [
        ("Okonjo", Severity.INFO),
        ("webcast", Severity.WARN),
        ("milió", Severity.INFO),
    ]


@pytest.mark.usefixtures("spellers")
def test_a_garbled_stem_glued_to_a_function_word_and_a_word_holds() -> None:
    """ "guiajedeaño": apertium garbled "guidance" and glued "de año" to it; no list knows the stem."""
    source = "The group raised its full-year guidance."
    target = "El grupo elevó su guiajedeaño lleno."
    assert held(run("oov_rate", source, target, "es"), target) == ["guiajedeaño"]


@pytest.mark.usefixtures("spellers")
def test_a_reported_word_of_the_middle_language_holds_capitalised_or_not() -> None:
    """en→es→pt: "Linterna" and "grúas" are Spanish the es→pt step did not know; "Kaohsiung" is a kept name."""
    source = "The Lantern Festival in Kaohsiung drew crowds, and new cranes were installed."
    target = "O Festival de Linterna em Kaohsiung atraiu multidões, e novas grúas foram instaladas."
    findings = run("unknown_marks", source, target, "pt", unknown=spans(target, "Linterna", "Kaohsiung", "grúas"))
    assert held(findings, target) == ["Linterna", "grúas"]


@pytest.mark.usefixtures("spellers")
def test_a_word_and_a_function_word_run_into_a_figure_hold() -> None:
    source = "Two 92-metre catamarans will sail."
    target = "Dos catamaransde92 metres navegaran."
    assert held(run("oov_rate", source, target, "ca"), target) == ["catamaransde"]


@pytest.mark.usefixtures("spellers")
def test_a_name_hyphened_to_a_target_word_is_not_reported_as_foreign_but_to_a_middle_language_word_is() -> None:
    source = "She joins from the Eindhoven-based supplier."
    spanish = "Une del Eindhoven-proveedor."
    findings = run("unknown_marks", source, spanish, "es", unknown=spans(spanish, "Eindhoven-proveedor"))
    assert held(findings, spanish) == []
    portuguese = "Une do Eindhoven-proveedor."
    findings = run("unknown_marks", source, portuguese, "pt", unknown=spans(portuguese, "Eindhoven-proveedor"))
    assert held(findings, portuguese) == ["Eindhoven-proveedor"]
