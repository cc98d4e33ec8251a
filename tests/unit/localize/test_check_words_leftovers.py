"""Words left from another language: English months and titles, public bodies' generic names, words the engine
did not know, pivot-language words; and company names a translator keeps whole, which are no left-overs."""

from __future__ import annotations

import pytest

from polywire.localize.checks.base import Finding, Severity, TranslationPair
from polywire.localize.checks.lexicon import dictionary_for
from tests.conftest import missing
from tests.unit.localize.checking import held_spans, run_check


def run(
    name: str,
    source: str,
    target: str,
    tgt: str,
    *,
    protected: tuple[str, ...] = (),
    unknown: tuple[tuple[int, int], ...] = (),
    pivots: tuple[str, ...] = (),
) -> list[Finding]:
    return run_check(name, source, target, tgt, protected=protected, unknown=unknown, pivots=pivots)


def held(findings: list[Finding], target: str) -> list[str]:
    return held_spans(findings, target)


@pytest.fixture(autouse=True)
def _spellers() -> None:
    for language in ("es", "ca", "pt", "fr"):
        if dictionary_for(language) is None:
            missing(f"hunspell with a {language} dictionary is not installed (apt-get install hunspell-{language})")


def test_an_english_month_or_title_left_in_is_a_source_word_even_capitalised() -> None:
    """ "August" and "Chief" are capitalised in English, but they are no names: left in, they hold."""
    source = "Chief Financial Officer Ingrid Vassbotn said prices rose in August."
    target = "Chief oficial financer Ingrid Vassbotn va dir que els preus van pujar en August."
    assert held(run("source_words", source, target, "ca"), target) == ["Chief", "August"]
    spanish = "El jefe financiero Ingrid Vassbotn dijo que los precios subieron en August."
    assert held(run("source_words", source, spanish, "es"), spanish) == ["August"]


def test_a_month_the_target_shares_is_not_left_over() -> None:
    """German writes "August" too."""
    assert run("source_words", "Prices rose in August.", "Die Preise stiegen im August.", "de") == []


@pytest.mark.parametrize(
    ("source", "target", "tgt"),
    [
        (
            "Thames Crossing Water will build a tunnel to carry drinking water.",
            "Thames Crossing Water construirá un túnel para llevar agua potable.",
            "es",
        ),
        (
            "Caldera Bank made a profit. The bank will buy back shares.",
            "Caldera Bank ha obtingut un benefici. El banc recomprarà accions.",
            "ca",
        ),
        (
            "GreenPort Hydrogen will build an electrolyser that runs on green power.",
            "GreenPort Hydrogen construirà un electrolitzador que funciona amb energia verda.",
            "ca",
        ),
    ],
)
def test_words_of_a_company_name_kept_whole_are_no_left_overs(source: str, target: str, tgt: str) -> None:
    """A run of capitalised source words that the translation keeps verbatim is a name, without any terms."""
    assert held(run("source_words", source, target, tgt), target) == []


def test_a_title_inside_a_name_run_kept_verbatim_still_holds() -> None:
    source = "Chief Executive Officer Marguerite Okonjo joined in May."
    target = "Chief Executive Officer Marguerite Okonjo es va incorporar al maig."
    assert held(run("source_words", source, target, "ca"), target) == ["Chief", "Executive", "Officer"]


def test_a_public_bodys_generic_english_name_left_whole_warns_unless_protected() -> None:
    """Translators keep some official names ("Financial Conduct Authority"), so it warns rather than holds."""
    source = "The National Statistics Office said on Thursday that prices rose."
    target = "El National Statistics Office dijo el jueves que los precios subieron."
    findings = run("source_words", source, target, "es")
    assert [(target[f.start : f.end], f.severity) for f in findings] == [("National Statistics Office", Severity.WARN)]
    assert "public body" in findings[0].message
    assert run("source_words", source, target, "es", protected=("National Statistics Office",)) == []
    translated = "La Oficina Nacional de Estadística dijo el jueves que los precios subieron."
    assert run("source_words", source, translated, "es") == []


def test_a_company_named_with_common_words_is_no_public_body() -> None:
    source = "The Global Ocean Forum and Aurora Bank will meet."
    target = "El Global Ocean Forum y Aurora Bank se reunirán."
    assert held(run("source_words", source, target, "es"), target) == []


def test_a_lowercase_word_the_engine_did_not_know_and_left_holds_however_rare() -> None:
    """ "electrolyser" is too rare in English to be caught by frequency; the engine's own doubt settles it."""
    source = "It will build a 200 MW electrolyser in the port."
    target = "Construirá un 200 MW electrolyser en el puerto."
    start = target.index("electrolyser")
    unknown = ((start, start + len("electrolyser")),)
    assert held(run("source_words", source, target, "es", unknown=unknown), target) == ["electrolyser"]
    assert held(run("source_words", source, target, "es"), target) == []


def test_an_english_exonym_the_engine_did_not_know_warns_but_a_name_does_not() -> None:
    source = "The city council of Ghent approved the budget, said Ms Okonjo."
    target = "El ayuntamiento de Ghent aprobó el presupuesto, dijo la señora Okonjo."
    unknown = tuple((target.index(w), target.index(w) + len(w)) for w in ("Ghent", "Okonjo"))
    findings = run("source_words", source, target, "es", unknown=unknown)
    assert [(target[f.start : f.end], f.severity) for f in findings] == [("Ghent", Severity.WARN)]


PIVOT_SOURCE = "Tickets go on sale today, with introductory fares from 289 euros and liver tests."


def test_a_pivot_word_left_in_a_pivoted_translation_holds() -> None:
    """en→es→pt: Spanish "introductorios" and "hígado" are no Portuguese words."""
    target = "Os bilhetes saem hoje à venda, com tarifas introductorios desde 289 euros e testes de hígado."
    findings = run("wrong_language", PIVOT_SOURCE, target, "pt", pivots=("es",))
    assert held(findings, target) == ["introductorios", "hígado"]
    assert "pivot" in findings[0].message and "en→es→pt" in findings[0].message
    # Without a pivot, nothing says these words came from Spanish.
    assert held(run("wrong_language", PIVOT_SOURCE, target, "pt"), target) == []


def test_pivot_words_spare_names_elisions_and_older_spellings() -> None:
    """ "d'Huelva" (a name from the source after an elided article) and pre-1990 Portuguese "accionistas" pass."""
    source = "Shareholders of GreenPort Hydrogen in Huelva will vote."
    french = "Les actionnaires de GreenPort Hydrogen d'Huelva voteront."
    assert held(run("wrong_language", source, french, "fr", pivots=("es",)), french) == []
    portuguese = "Os accionistas da GreenPort Hydrogen em Huelva votarão."
    assert held(run("wrong_language", source, portuguese, "pt", pivots=("es",)), portuguese) == []


def test_a_pivot_equal_to_the_source_or_target_is_dropped() -> None:
    pair = TranslationPair.build(
        source="a", target="b", source_lang="en", target_lang="pt-BR", pivot_languages=("en", "es-ES", "pt")
    )
    assert pair.pivot_languages == ("es",)


def test_a_common_word_capitalised_only_because_it_opens_a_sentence_is_a_source_word() -> None:
    """ "Tunnelling is planned …": apertium did not know the word and left it; its capital comes from its place."""
    from polywire.localize.checks.base import Severity, TranslationPair
    from polywire.localize.checks.source_words import check

    source = "The city approved the budget. Tunnelling is planned to start in 2027."
    target = "La ciudad aprobó el presupuesto. Tunnelling Está planificado para empezar en 2027."
    start = target.index("Tunnelling")
    pair = TranslationPair.build(
        source=source, target=target, source_lang="en", target_lang="es",
        unknown_spans=((start, start + len("Tunnelling")),),
    )  # fmt: skip
    assert any(f.severity is Severity.HOLD and "Tunnelling" in f.message for f in check.run(pair))


def test_a_name_opening_a_sentence_is_not_taken_for_a_common_word() -> None:
    """ "Hollis & Crane said …": the English dictionary knows "Hollis" only with its capital, so it is a name."""
    from polywire.localize.checks.base import Severity, TranslationPair
    from polywire.localize.checks.source_words import check

    source = "The firm grew. Hollis said the deal closed."
    target = "La empresa creció. Hollis dijo que el acuerdo se cerró."
    start = target.index("Hollis")
    pair = TranslationPair.build(
        source=source, target=target, source_lang="en", target_lang="es",
        unknown_spans=((start, start + len("Hollis")),),
    )  # fmt: skip
    assert not any(f.severity is Severity.HOLD for f in check.run(pair))


def _span(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def test_a_specialised_word_both_languages_use_passes_though_the_engine_did_not_know_it() -> None:
    """ "naira" and "megabits" are Spanish too; "rupees" is "rupias" and "wells" is "pozos"."""
    source = "A dividend of 9.50 naira, speeds of 214 megabits, fees of 40 rupees, and 140 wells."
    target = "Un dividendo de 9,50 naira, velocidades de 214 megabits, tasas de 40 rupees, y 140 wells."
    unknown = tuple(_span(target, word) for word in ("naira", "megabits", "rupees", "wells"))
    assert held(run("source_words", source, target, "es", unknown=unknown), target) == ["rupees", "wells"]


def test_an_english_word_hyphened_to_a_translated_one_holds() -> None:
    source = "Marchetti Foods will acquire the tinned-fish maker and its e-commerce arm."
    target = "Marchetti Foods adquirirá el tinned-fabricante y su brazo de e-commerce."
    assert held(run("source_words", source, target, "es"), target) == ["tinned-fabricante"]


@pytest.mark.parametrize(
    ("target", "tgt", "kept"),
    [
        ("Las entregas en Alemania y el Netherlands empiezan en 2027.", "es", ["Netherlands"]),
        ("Les livraisons en Allemagne et aux Netherlands commencent en 2027.", "fr", ["Netherlands"]),
        ("Las entregas en Alemania y los Países Bajos empiezan en 2027.", "es", []),
    ],
)
def test_a_country_kept_in_its_english_form_holds_where_the_target_names_it_otherwise(
    target: str, tgt: str, kept: list[str]
) -> None:
    source = "Deliveries in Germany and the Netherlands begin in 2027."
    assert held(run("source_words", source, target, tgt), target) == kept


def test_a_country_the_target_writes_the_same_way_or_inside_a_kept_name_passes() -> None:
    source = "The Bank of Kenya Holdings office in Kenya opened."
    french = "Le bureau de Bank of Kenya Holdings au Kenya a ouvert."
    assert held(run("source_words", source, french, "fr"), french) == []
    spanish = "La oficina de Bank of Kenya Holdings en Kenia abrió."
    assert held(run("source_words", source, spanish, "es"), spanish) == []


def test_a_pivot_word_the_engine_did_not_know_holds_and_a_target_word_is_noted() -> None:
    """After es→fr, "plegar" is Spanish the second step did not know; "envase" is a French verb form."""
    source = "Officials expect yields to double, and the silt builds up."
    target = "Les officiels attendent des récoltes pour plegar, et le limon envase."
    findings = run("unknown_marks", source, target, "fr", unknown=(_span(target, "plegar"), _span(target, "envase")))
    assert held(findings, target) == ["plegar"]
    assert [f.severity for f in findings if target[f.start : f.end] == "envase"] == [Severity.INFO]


def test_a_common_word_both_languages_share_passes_only_when_nearly_as_common() -> None:
    """ "drones" is Portuguese as much as English; "wells" is common in Portuguese texts only as a name."""
    source = "The team used drones to survey 140 wells."
    target = "A equipa usou drones para inspeccionar 140 wells."
    unknown = (_span(target, "drones"), _span(target, "wells"))
    assert held(run("source_words", source, target, "pt", unknown=unknown), target) == ["wells"]


def test_an_english_word_opening_a_sentence_and_kept_there_holds_unless_it_opens_a_name() -> None:
    """ "Fares start at £79" kept as "Fares inicio": capitalised only by its place. "Target" opens the company's
    name elsewhere ("Target Corporation"), so at the start of another sentence it is still the company."""
    source = "Kestrel Air adds flights. Fares start at £79."
    target = "Kestrel Air añade vuelos. Fares inicio en 79 £."
    assert held(run("source_words", source, target, "es"), target) == ["Fares"]
    source = "Target Corporation said profits rose. Target cut prices."
    target = "Target Corporation dijo que los beneficios subieron. Target bajó precios."
    assert held(run("source_words", source, target, "es"), target) == []


def test_a_language_kept_in_english_holds_and_a_legal_form_is_no_left_over() -> None:
    source = "Pennant Hill Group plc will publish the novel in English and Portuguese."
    target = "Pennant Hill Group plc publicarà la novel·la en English i portuguès."
    assert held(run("source_words", source, target, "ca"), target) == ["English"]


def test_a_city_cldr_names_kept_in_english_holds_and_one_the_target_shares_passes() -> None:
    source = "Arabica futures rose 3.4% in New York and Bogota."
    spanish = "Los futuros de arabica subieron un 3,4 % en New York y Bogotá."
    findings = run("source_words", source, spanish, "es")
    assert held(findings, spanish) == ["New York"]
    assert any("Nueva York" in f.message and "city" in f.message for f in findings)
    french = "Les contrats à terme sur l'arabica ont gagné 3,4 % à New York et à Bogota."
    assert held(run("source_words", source, french, "fr"), french) == []


def test_a_sentence_opener_the_target_knows_only_as_a_name_holds() -> None:
    """Catalan spellers know "Fares" as a name; as a word it is English."""
    source = "Ferries will cross in 35 minutes. Fares start at €39."
    target = "Els transbordadors creuaran en 35 minuts. Fares arrencar a 39 €."
    assert held(run("source_words", source, target, "ca"), target) == ["Fares"]


def test_a_city_kept_before_a_hyphen_holds_and_streaming_is_spanish() -> None:
    source = "Tokyo-based Kaminari cut its streaming prices."
    target = "Tokyo-basó Kaminari cortó sus precios de streaming."
    unknown = (_span(target, "streaming"),)
    assert held(run("source_words", source, target, "es", unknown=unknown), target) == ["Tokyo"]


def test_a_place_adjective_kept_whole_holds_for_its_english_half() -> None:
    source = "Monterrey-based Grupo Altamira Envases agreed to buy Lone Star Closures."
    target = "Monterrey-based Grupo Altamira Envases ha acordado comprar Lone Star Closures."
    assert held(run("source_words", source, target, "es"), target) == ["Monterrey-based"]


def test_a_city_kept_in_english_holds_where_the_target_prefers_its_own_form_and_warns_where_it_uses_both() -> None:
    """Spanish texts write "Varsovia" far more than "Warsaw"; "Zurich" is met beside CLDR's "Zúrich"."""
    source = "She joins from Helvion Materials AG in Zurich and will work in Warsaw."
    target = "Llega de Helvion Materials AG en Zurich y trabajará en Warsaw."
    findings = run("source_words", source, target, "es")
    assert [(target[f.start : f.end], f.severity) for f in findings] == [
        ("Zurich", Severity.WARN),
        ("Warsaw", Severity.HOLD),
    ]


def test_a_product_written_as_one_word_and_a_place_before_based_are_names() -> None:
    """ "PowerCube" is the product as the source writes it; "Cork" opens "Cork-based", a place."""
    source = "Cork-based Voltaro Electronics is recalling 61,500 PowerCube 20K power banks."
    target = "Voltaro Electronics, amb seu a Cork, retira 61.500 bateries PowerCube 20K."
    assert held(run("source_words", source, target, "ca"), target) == []


def test_a_word_of_a_foreign_name_in_the_source_is_no_english_left_over() -> None:
    """ "transport" in "Réseau de transport de la Capitale" is French, kept with the name."""
    source = "The measure covers all buses of the Réseau de transport de la Capitale."
    target = "La medida se aplicará a todos los autobuses del Réseau de transport de la Capitale."
    assert held(run("source_words", source, target, "es"), target) == []
    english = "La medida se aplicará a todos los autobuses del transport público."
    assert held(run("source_words", "It covers all public transport buses.", english, "es"), english) == ["transport"]


def test_a_currency_the_targets_own_cldr_names_give_is_its_word_though_no_speller_has_it() -> None:
    """Catalan CLDR names the Kazakh "tenge"; the engine not knowing it makes it no English left over."""
    source = "Revenue reached 412 billion tenge."
    target = "Els ingressos van arribar a 412.000 milions de tenge."
    start = target.index("tenge")
    findings = run("source_words", source, target, "ca", unknown=((start, start + 5),))
    assert held(findings, target) == []


def test_a_currency_the_source_writes_in_lowercase_is_the_targets_word_too() -> None:
    source = "Rooms start at 2,400 baht a night."
    target = "Les habitacions comencen a 2.400 baht la nit."
    assert held(run("source_words", source, target, "ca"), target) == []


def test_the_source_term_glossed_in_brackets_by_a_translator_is_no_left_over() -> None:
    source = "The deal will be done through a court-sanctioned scheme of arrangement."
    target = "A aquisição será concretizada através de um acordo sob supervisão judicial (scheme of arrangement)."
    assert held(run("source_words", source, target, "pt"), target) == []
    left = "A aquisição será concretizada através de um scheme of arrangement."
    assert held(run("source_words", source, left, "pt"), left) != []
