"""Names: exonyms, whole-term messages, figure terms, names hyphenated to a word. Sentence openings: a lost capital
is not a lost subject, and a figure ending a sentence does not glue the next sentence on."""

from __future__ import annotations

import pytest

from polywire.localize.checks import load_check
from polywire.localize.checks.base import Finding, Severity, TranslationPair
from polywire.localize.checks.lexicon import dictionary_for
from polywire.localize.segment import split_sentences
from tests.conftest import missing


def run(name: str, source: str, target: str, tgt: str, protected: tuple[str, ...] = ()) -> list[Finding]:
    pair = TranslationPair.build(
        source=source, target=target, source_lang="en", target_lang=tgt, protected_terms=protected
    )
    return load_check(name).run(pair)


@pytest.fixture
def spellers() -> None:
    for language in ("es", "ca"):
        if dictionary_for(language) is None:
            missing(f"hunspell with a {language} dictionary is not installed (apt-get install hunspell-{language})")


@pytest.mark.usefixtures("spellers")
def test_an_exonym_common_in_the_target_is_only_noted() -> None:
    """ "Múnich" is how Spanish writes "Munich": not an altered name."""
    source = "Veltra Motors unveiled the Aurel at the Munich motor show."
    target = "Veltra Motors presentó el Aurel en el salón del automóvil de Múnich."
    findings = run("protected_names", source, target, "es")
    assert [(f.severity, target[f.start : f.end]) for f in findings] == [(Severity.INFO, "Múnich")]


@pytest.mark.usefixtures("spellers")
def test_a_missing_protected_term_is_named_whole_once() -> None:
    source = "GreenPort Hydrogen will build it. The European Investment Bank agreed to lend."
    target = "GreenPort Hydrogen el construirà. El Banc Europeu d'Inversions ha acordat prestar."
    findings = run("protected_names", source, target, "ca", ("GreenPort Hydrogen", "European Investment Bank"))
    assert [(f.severity, f.message) for f in findings] == [
        (Severity.HOLD, "the protected term “European Investment Bank” is missing")
    ]


@pytest.mark.usefixtures("spellers")
def test_a_protected_term_present_with_a_hyphenated_word_is_not_missing() -> None:
    source = "Pellmark agreed to acquire Ostrava-based Vitkov Castings."
    target = "Pellmark acordó adquirir Ostrava-based Vitkov Castings."
    assert run("protected_names", source, target, "es", ("Ostrava-based Vitkov Castings",)) == []


def test_figure_terms_are_left_to_the_numbers_check() -> None:
    """A masked "180-year" came back localised: "year" is no name to look for."""
    source = "The 180-year-old university received a gift."
    target = "A universidade de 180 anos recebeu um donativo."
    assert run("protected_names", source, target, "pt", ("180-year",)) == []


@pytest.mark.usefixtures("spellers")
def test_a_name_hyphenated_to_a_word_is_fused_outside_hyphen_compounding_languages() -> None:
    source = "Orbis launched its third Halcyon-class satellite."
    target = "Orbis va llançar el seu tercer Halcyon-satèl·lit de classe."
    findings = run("protected_names", source, target, "ca")
    assert [(f.severity, target[f.start : f.end]) for f in findings] == [(Severity.HOLD, "Halcyon-satèl·lit")]
    german = "Orbis startete seinen dritten Halcyon-Satelliten und das Halcyon-Programm."
    assert run("protected_names", source, german, "de") == []


@pytest.mark.parametrize(
    ("target", "tgt"),
    [
        ("Quillfeather va publicar la versió 5.0. es pot descarregar el codi des del web.", "ca"),
        ("La empresa abrió la planta. la producción empezará en mayo.", "es"),
        ("Orbis a lancé le satellite. l'entreprise publiera les données.", "fr"),
    ],
)
def test_a_sentence_that_opens_with_a_lowercase_article_or_clitic_lost_its_capital_only(target: str, tgt: str) -> None:
    source = "Acme released version 5.0 of its software. The code can be downloaded from the web."
    findings = run("mid_clause", source, target, tgt)
    assert [f.severity for f in findings] == [Severity.WARN]
    assert "lost its capital" in findings[0].message


@pytest.mark.parametrize(
    ("target", "tgt"),
    [
        ("Acme eröffnet ein Werk in Leipzig. wird 400 Menschen beschäftigen.", "de"),
        ("Acme a ouvert une usine à Leipzig. a indiqué que 400 personnes y travailleront.", "fr"),
        ("Acme abrió una planta en Leipzig. contratará a 400 personas.", "es"),
    ],
)
def test_a_sentence_that_opens_with_a_lowercase_verb_lost_its_subject(target: str, tgt: str) -> None:
    source = "Acme opened a plant in Leipzig. It said 400 people will work there."
    assert [f.severity for f in run("mid_clause", source, target, tgt)] == [Severity.HOLD]


def test_a_figure_at_a_sentence_end_does_not_join_the_next_sentence_outside_ordinal_languages() -> None:
    """Catalan "…/2026. s'haurien …" is two sentences (the second lost its capital); German "am 3. größten" is one."""
    catalan = "La inscripció és oberta a https://oceanforum.org/2026. s'haurien d'enviar les sol·licituds aviat."
    assert len(split_sentences(catalan, "ca")) == 2
    assert len(split_sentences("Wir sind der 3. größte Hersteller. Das ist neu.", "de")) == 2
    assert len(split_sentences("Las ventas subieron en 2025. la empresa lo celebra.", "es")) == 2
    assert len(split_sentences("Am 5. März beginnt es.", "es")) == 1


def test_the_split_sentences_align_one_to_one() -> None:
    """With the split fixed, the Catalan paragraph no longer reads as two source sentences merged into one."""
    source = "Registration is open at https://oceanforum.org/2026. Requests should be sent to media@oceanforum.org."
    target = (
        "La inscripció és oberta a https://oceanforum.org/2026. s'han d'enviar les peticions a media@oceanforum.org."
    )
    assert [f for f in run("sentence_alignment", source, target, "ca") if f.severity is Severity.HOLD] == []


@pytest.mark.usefixtures("spellers")
def test_a_name_the_source_has_is_not_another_name_fused_with_a_word() -> None:
    """ "Airbus" starts with the airline's "Air", but the source names Airbus itself."""
    source = "Kestrel Air will fly its new Airbus A321neo to Reykjavik. Kestrel Airbusiness lounges open."
    target = "Kestrel Air volará su nuevo Airbus A321neo a Reikiavik. Kestrel Airbusiness salas abren."
    fused = [target[f.start : f.end] for f in run("protected_names", source, target, "es") if "fused" in f.message]
    assert fused == []
    glued = "Kestrel Air volará su nuevo Airnuevo A321neo a Reikiavik."
    fused = [glued[f.start : f.end] for f in run("protected_names", source, glued, "es") if "fused" in f.message]
    assert fused == ["Airnuevo"]


@pytest.mark.parametrize(
    ("target", "holds"),
    [
        ("El grupo Ortuño Ingenieros S.Un. ha acordado comprar el 70 %.", True),
        ("El grupo Ortuño Ingenieros S.A. ha acordado comprar el 70 %.", False),
    ],
)
def test_a_legal_form_with_full_stops_must_come_through_as_written(target: str, holds: bool) -> None:
    findings = run(
        "protected_names", "Spanish engineering group Ortuño Ingenieros S.A. has agreed to buy 70%.", target, "es"
    )
    assert any("legal form" in f.message and f.severity is Severity.HOLD for f in findings) is holds


def test_a_name_masking_found_that_a_person_rendered_warns_and_a_publishers_term_holds() -> None:
    source = "Schools in the Upper Palatinate will get tablets first."
    target = "As escolas do Alto Palatinado receberão primeiro os tablets."
    pair = TranslationPair.build(
        source=source,
        target=target,
        source_lang="en",
        target_lang="pt",
        protected_terms=("Upper Palatinate",),
        masked_names=("Upper Palatinate",),
    )
    assert [f.severity for f in load_check("protected_names").run(pair) if "Upper Palatinate" in f.message] == [
        Severity.WARN
    ]
    publisher = run("protected_names", source, target, "pt", protected=("Upper Palatinate",))
    assert [f.severity for f in publisher if "Upper Palatinate" in f.message] == [Severity.HOLD]
