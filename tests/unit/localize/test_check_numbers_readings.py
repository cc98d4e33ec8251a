"""The numbers check reads figures as a desk would: English decimal points, figures left in the source's notation,
scale words CLDR lacks, ranges sharing a scale, metric prefixes spelt out, and dates that lost their month."""

from __future__ import annotations

from decimal import Decimal

import pytest

from polywire.localize.checks import load_check
from polywire.localize.checks.base import Finding, Severity, TranslationPair
from polywire.localize.checks.numbers import is_foreign_month
from polywire.localize.checks.numerals import parse_numbers


def run(source: str, target: str, tgt: str) -> list[Finding]:
    pair = TranslationPair.build(source=source, target=target, source_lang="en", target_lang=tgt)
    return load_check("numbers").run(pair)


def at_least(findings: list[Finding], severity: Severity) -> list[Finding]:
    return [f for f in findings if f.severity.rank >= severity.rank]


def values(text: str, tag: str) -> list[Decimal]:
    return [n.value for n in parse_numbers(text, tag)]


@pytest.mark.parametrize(
    ("text", "tag", "expected"),
    [
        ("dirige 4.3 miles de millones de dólares", "es", [Decimal("4.3E9")]),
        ("a versão 5.0 da plataforma", "pt", [Decimal(5)]),
        ("2.6 milions de llars", "ca", [Decimal("2.6E6")]),
        ("un túnel de 4.5 metros", "es", [Decimal("4.5")]),
        # Three digits after the point still group thousands; a date's points are no decimal point.
        ("4.500 millones", "es", [Decimal("4.5E9")]),
        ("am 20.05.2026", "de", [Decimal(20), Decimal(5), Decimal(2026)]),
    ],
)
def test_a_point_that_cannot_group_thousands_is_an_english_decimal_point(
    text: str, tag: str, expected: list[Decimal]
) -> None:
    """In a decimal-comma language "4.3" is 4,3 written the English way, not 4 and 3."""
    assert values(text, tag) == expected


def test_an_english_decimal_point_of_the_same_value_is_only_noted() -> None:
    findings = run("It manages $4.3 billion.", "Dirige 4.3 miles de millones de dólares.", "es")
    assert [f.severity for f in findings] == [Severity.INFO]
    assert "decimal point" in findings[0].message


@pytest.mark.parametrize(
    ("words", "tag", "exponent"),
    [
        ("miles de millones", "es", 9),
        ("millardos", "es", 9),
        ("milhares de milhões", "pt", 9),
        ("mil milhões", "pt", 9),
        ("mil milions", "ca", 9),
        ("milers de milions", "ca", 9),
        ("milliers", "fr", 3),
    ],
)
def test_scale_words_cldr_lacks_are_read(words: str, tag: str, exponent: int) -> None:
    assert values(f"5 {words}", tag) == [Decimal(5).scaleb(exponent)]


def test_a_figure_left_in_the_source_notation_warns_and_never_contradicts_itself() -> None:
    """ "142,000" in Spanish reads 142: the figure is the source's, misread, so it warns rather than holds."""
    findings = run("The mine produced 142,000 tonnes.", "La mina produjo 142,000 toneladas.", "es")
    assert [f.severity for f in findings] == [Severity.WARN]
    assert "source language's notation" in findings[0].message
    assert "(the source has 142,000)" not in findings[0].message


def test_a_changed_figure_still_holds_and_names_what_the_source_has() -> None:
    findings = at_least(
        run("The mine produced 142,000 tonnes.", "La mina produjo 143.000 toneladas.", "es"), Severity.HOLD
    )
    assert [f.message for f in findings] == ["the number “143.000” is not in the source (the source has 142,000)"]


@pytest.mark.parametrize(
    ("source", "target", "tgt"),
    [
        (
            "It expects revenue between $305 million and $325 million.",
            "Preveu uns ingressos d'entre 305 i 325 milions de dòlars.",
            "ca",
        ),
        ("Sales of 2 to 3 million units.", "Ventas de 2 a 3 millones de unidades.", "es"),
        ("Sales of 2 million to 3 million units.", "Ventes de 2 à 3 millions d'unités.", "fr"),
        # The other way round: the source shares the scale, the translation repeats it.
        ("Between €305 and €325 million.", "Entre 305 millones y 325 millones de euros.", "es"),
    ],
)
def test_the_figures_of_a_range_share_one_scale_word(source: str, target: str, tgt: str) -> None:
    assert at_least(run(source, target, tgt), Severity.WARN) == []


def test_a_range_does_not_excuse_a_wrong_figure() -> None:
    findings = run("Between $305 million and $325 million.", "Entre 300 i 325 milions de dòlars.", "ca")
    assert [f.message for f in at_least(findings, Severity.HOLD)] == [
        "the number “300” is not in the source (the source has 305 million)"
    ]


def test_a_metric_prefix_spelt_as_a_scale_word_is_the_same_quantity() -> None:
    """apertium writes "38 km" as "38 milers m" (38 thousand metres): noted, not a changed figure."""
    findings = run("A 38 km line at 200 km/h.", "Una línia de 38 milers m a 200 milers m/h.", "ca")
    assert {f.severity for f in findings} == {Severity.INFO}
    assert at_least(run("A 38 km line.", "Una línia de 39 milers m.", "ca"), Severity.HOLD)


def test_an_english_billion_in_a_long_scale_language_holds() -> None:
    """A Spanish reader takes "billion" for "billón" (10¹²); French and Catalan use "billion"/"bilió" for it."""
    assert at_least(
        run("Revenue was €1.2 billion.", "Los ingresos fueron de 1,2 billion de euros.", "es"), Severity.HOLD
    )
    assert at_least(run("Revenue was €1.05 billion.", "Els ingressos van ser 1,05 bilió d'euros.", "ca"), Severity.HOLD)


@pytest.mark.parametrize(
    ("target", "tgt", "span"),
    [
        ("Vols directes damunt Poden 20, 2026.", "ca", "Poden 20"),
        ("Vuelos directos encima Marcha 20, 2026.", "es", "Marcha 20"),
        ("Des vols directs dessus Part 20, 2026.", "fr", "Part 20"),
    ],
)
def test_a_date_that_lost_its_month_holds_at_the_date(target: str, tgt: str, span: str) -> None:
    source = "Direct flights on May 20, 2026." if "Poden" in target else "Direct flights on March 20, 2026."
    findings = at_least(run(source, target, tgt), Severity.HOLD)
    assert len(findings) == 1 and "lost its month" in findings[0].message
    assert target[findings[0].start : findings[0].end] == span


def test_a_translated_month_or_a_numeric_date_keeps_the_month() -> None:
    assert run("Direct flights on May 20, 2026.", "Vols directes el 20 de maig de 2026.", "ca") == []
    assert at_least(run("Direct flights on May 20, 2026.", "Direktflüge ab 20. Mai 2026.", "de"), Severity.WARN) == []
    assert not [f for f in run("Flights on May 20.", "Vols el 20/05.", "ca") if "month" in f.message]


def test_a_month_dropped_with_its_sentence_is_left_to_the_alignment_checks() -> None:
    """No trace of the date (its day or year) in the translation: no "lost month" finding."""
    findings = run("Sales rose. The report comes out on July 14.", "Las ventas subieron.", "es")
    assert not [f for f in findings if "month" in f.message]


def test_an_english_month_is_capitalised_and_its_verb_is_not_a_month() -> None:
    """Lowercase "march" is a verb: a translation that has no month in it lost nothing."""
    assert run("Workers will march to the square.", "Los trabajadores marcharán a la plaza.", "es") == []


def test_a_spelt_out_ordinal_up_to_31_is_only_noted() -> None:
    """ "19th" → "decimonoveno": the strict preset must not hold a correct translation for it."""
    findings = run("It was the 19th consecutive increase.", "Es el decimonoveno aumento consecutivo.", "es")
    assert [f.severity for f in findings] == [Severity.INFO]
    missing_day = run("It reported 19 new cases.", "Informó de nuevos casos.", "es")
    assert [f.severity for f in missing_day] == [Severity.WARN]


def test_an_english_month_is_foreign_where_the_target_names_months_otherwise() -> None:
    assert is_foreign_month("August", "en", "ca") and is_foreign_month("March", "en", "es")
    assert not is_foreign_month("August", "en", "de") and not is_foreign_month("August", "en", "zh")


@pytest.mark.parametrize(
    ("target", "holds"),
    [
        ("Quillon va llançar Atlas 3,2, una actualització de 8,5 MB.", True),
        ("Quillon va llançar Atlas 3.2, una actualització de 8,5 MB.", False),
    ],
)
def test_a_version_number_must_come_through_verbatim(target: str, holds: bool) -> None:
    """ "Atlas 3,2" reads as a decimal; the size in MB is a figure and takes the Catalan comma."""
    pair = TranslationPair.build(
        source="Quillon released Atlas 3.2, an 8.5 MB update.", target=target, source_lang="en", target_lang="ca"
    )
    held = [target[f.start : f.end] for f in load_check("numbers").run(pair) if f.severity is Severity.HOLD]
    assert held == (["3,2"] if holds else [])


@pytest.mark.parametrize(
    ("target", "held"),
    [
        ("Distribuirá semillas antes de las lluvias de Marcha en el norte.", ["Marcha"]),
        ("Distribuirá semillas antes de las lluvias de marzo en el Norte Grande.", []),
    ],
)
def test_a_month_without_a_figure_that_became_another_word_holds(target: str, held: list[str]) -> None:
    pair = TranslationPair.build(
        source="It will hand out seed before the March rains in the north.",
        target=target,
        source_lang="en",
        target_lang="es",
    )
    found = [target[f.start : f.end] for f in load_check("numbers").run(pair) if f.severity is Severity.HOLD]
    assert found == held


def test_a_bare_web_address_split_by_the_engine_holds() -> None:
    source = "Municipalities can apply through saneamento.cidades.gov.br by 31 March."
    target = "Els municipis poden aplicar a través del saneamento.cidades de portal.gov.br per 31 de març."
    pair = TranslationPair.build(source=source, target=target, source_lang="en", target_lang="ca")
    findings = load_check("numbers").run(pair)
    assert [target[f.start : f.end] for f in findings if f.severity is Severity.HOLD] == ["portal.gov.br"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("It cost ₹3.8 crore (about $455,000).", "Custou 38 milhões de rupias (cerca de 455 000 dólares)."),
        ("It sold the chain for £385m in cash.", "Vendió la cadena por 385 millones de libras en efectivo."),
    ],
)
def test_crores_and_glued_scales_are_read_as_their_values(source: str, target: str) -> None:
    pair = TranslationPair.build(source=source, target=target, source_lang="en", target_lang="pt")
    assert [f for f in load_check("numbers").run(pair) if f.severity is Severity.HOLD] == []


def test_a_version_named_twice_is_matched_twice() -> None:
    source = "Fjällkod released version 8.1 of Tundra. Tundra 8.1 runs on Windows 11."
    target = "Fjällkod publicó la versión 8.1 de Tundra. Tundra 8.1 funciona en Windows 11."
    pair = TranslationPair.build(source=source, target=target, source_lang="en", target_lang="es")
    assert [f for f in load_check("numbers").run(pair) if f.severity is Severity.HOLD] == []
