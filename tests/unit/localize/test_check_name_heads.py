"""English left inside names a translator renders: a place's head noun ("River Wey"), a body's name half rendered
("Ministerio de Fisheries"), an English name with only its link word rendered ("Museum de Fine Arts"), an English
compound of a figure and a word ("mid-2028"), a place kept in its English form ("Bavaria"); and what stays a name
kept on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from polywire.localize.checks.lexicon import dictionary_for
from tests.conftest import missing
from tests.unit.localize.checking import held_spans, run_check


def held(
    source: str, target: str, tgt: str, *, protected: tuple[str, ...] = (), masked: tuple[str, ...] = ()
) -> list[str]:
    return held_spans(run_check("source_words", source, target, tgt, protected=protected, masked=masked), target)


@pytest.fixture(autouse=True)
def _spellers() -> None:
    for language in ("es", "ca", "fr"):
        if dictionary_for(language) is None:
            missing(f"hunspell with a {language} dictionary is not installed (apt-get install hunspell-{language})")


def test_a_place_head_kept_beside_the_name_holds_before_or_after_it() -> None:
    source = "The agency fined the plant for polluting the River Wey. The race finishes in County Sligo."
    target = "L'agència ha multat la planta per contaminar el River Wey. La cursa acaba a County Sligo."
    assert held(source, target, "ca") == ["River", "County"]
    rendered = "L'agència ha multat la planta per contaminar el riu Wey. La cursa acaba al comtat de Sligo."
    assert held(source, rendered, "ca") == []


def test_a_head_masking_guessed_into_a_name_still_holds_but_a_publisher_term_does_not() -> None:
    source = "Work has started on the Saint-Aubin Bridge."
    target = "Han empezado las obras del Saint-Aubin Bridge."
    assert held(source, target, "es", protected=("Saint-Aubin Bridge",), masked=("Saint-Aubin Bridge",)) == ["Bridge"]
    assert held(source, target, "es", protected=("Saint-Aubin Bridge",)) == []


def test_a_company_named_with_a_place_noun_is_no_place() -> None:
    """ "Harbour Energy" and "Bridge Capital" are companies: their other word is a common English word."""
    source = "Harbour Energy and Bridge Capital signed the deal."
    target = "Harbour Energy y Bridge Capital firmaron el acuerdo."
    assert held(source, target, "es") == []


def test_a_body_half_rendered_holds_from_the_first_english_word() -> None:
    source = (
        "She spent a decade at the Dutch Ministry of Infrastructure and Water Management. "
        "The Ministry of Fisheries agreed."
    )
    target = (
        "Pasó una década en el Ministerio holandés de Infraestructura y Water Management. "
        "El Ministerio de Fisheries estuvo de acuerdo."
    )
    assert held(source, target, "es") == ["Water Management", "Fisheries"]
    kept = (
        "Pasó una década en el Ministerio de Infraestructura y Gestión del Agua. La Universidad de Cambridge lo aprobó."
    )
    assert held(source + " The University of Cambridge approved it.", kept, "es") == []


def test_an_english_name_with_only_its_link_word_rendered_holds() -> None:
    source = "The triptych will be shown at the Bruges Museum of Fine Arts from 3 October."
    target = "El tríptico se expondrá en el Bruges Museum de Fine Arts desde el 3 de octubre."
    assert held(source, target, "es") == ["Museum de Fine"]
    # "and" joins two names as often as it sits inside one.
    joined = "Hollis Brewing and Kettle Foods signed the deal."
    assert held(joined, "Hollis Brewing y Kettle Foods firmaron el acuerdo.", "es") == []


def test_the_generic_name_of_a_place_or_government_holds_and_of_a_regulator_warns() -> None:
    source = "The project in the North Sea was approved by the Financial Conduct Authority."
    target = "El proyecto en el North Sea fue aprobado por la Financial Conduct Authority."
    assert held(source, target, "es") == ["North Sea"]


def test_an_english_compound_of_a_figure_and_a_word_holds() -> None:
    source = "The drone carries a 40-litre tank. Approval is expected by mid-2028."
    target = "El dron porta un 40-litre tanc. L'aprovació s'espera per a mid-2028."
    assert held(source, target, "ca") == ["40-litre", "mid-2028"]
    rendered = "El dron porta un dipòsit de 40 litres. L'aprovació s'espera per a mitjan 2028. Funciona amb COVID-19."
    assert held(source + " It works with COVID-19.", rendered, "ca") == []


@pytest.fixture
def _pairs() -> None:
    for mode in ("eng-cat", "eng-spa"):
        if not (Path("/usr/share/apertium") / "modes" / f"{mode}.mode").exists() or shutil.which("lt-proc") is None:
            missing(f"apertium's {mode} pair is not installed (apt-get install apertium-{mode})")


@pytest.mark.usefixtures("_pairs")
def test_a_place_kept_in_english_where_the_lexicons_give_the_target_its_own_form_holds() -> None:
    source = "Schools in Lower Bavaria will get tablets. Barges sail on the Danube."
    target = "Les escoles de Lower Bavaria rebran tauletes. Les barcasses naveguen pel Danube."
    assert held(source, target, "ca") == ["Bavaria", "Danube"]
    rendered = "Les escoles de la Baixa Baviera rebran tauletes. Les barcasses naveguen pel Danubi."
    assert held(source, rendered, "ca") == []


@pytest.mark.usefixtures("_pairs")
def test_a_place_word_inside_a_longer_name_is_kept_with_it() -> None:
    """ "Fuentes de Ebro" is a town: its "Ebro" is no river for Catalan's "Ebre"; nor is "Bavaria" in a company."""
    source = "The plant near Fuentes de Ebro was built by Bavaria Yachtbau Kessler."
    target = "La planta prop de Fuentes de Ebro la va construir Bavaria Yachtbau Kessler."
    assert held(source, target, "ca") == []


def test_a_name_left_in_english_before_its_rendered_half_holds_but_two_names_joined_do_not() -> None:
    source = "The plant was financed by the European Bank for Reconstruction and Development."
    target = "La planta fue financiada por el European Bank para Reconstrucción y Desarrollo."
    assert held(source, target, "es") == ["European Bank"]
    joined = "The Bank of Spain and the Financial Conduct Authority agreed."
    assert held(joined, "El Banco de España y la Financial Conduct Authority lo acordaron.", "es") == []
    assert held(joined, "Lo acordaron España y Financial Conduct Authority.", "es") == []


def test_a_country_adjective_kept_in_english_holds_even_inside_a_masked_name() -> None:
    source = "Harvests in the Aysén region of Chilean Patagonia rose; output sells at 0.095 Tunisian dinars."
    target = "Las cosechas en la región de Aysén de Chilean Patagonia subieron; se vende a 0,095 Tunisian dinares."
    assert held(source, target, "es", protected=("Chilean Patagonia",), masked=("Chilean Patagonia",)) == [
        "Chilean",
        "Tunisian",
    ]
    rendered = (
        "Las cosechas en la región de Aysén de la Patagonia chilena subieron; se vende a 0,095 dinares tunecinos."
    )
    assert held(source, rendered, "es") == []


def test_a_country_adjective_before_a_common_word_names_a_company() -> None:
    source = "Mexican Grill Holdings opened 40 restaurants."
    target = "Mexican Grill Holdings abrió 40 restaurantes."
    assert held(source, target, "es") == []


def names_held(source: str, target: str, tgt: str, *, protected: tuple[str, ...] = ()) -> list[str]:
    return held_spans(run_check("protected_names", source, target, tgt, protected=protected), target)


def test_initials_that_came_back_with_a_word_inside_hold_and_the_targets_own_initials_do_not() -> None:
    source = "The work goes to Constructora Pachacámac S.A.A. in the U.S. market."
    target = "La obra será llevada por Constructora Pachacámac S.Un.Un. en el mercado de EE. UU."
    assert "S.Un.Un." in names_held(source, target, "es")
    kept = "La obra será llevada por Constructora Pachacámac S.A.A. en el mercado de EE. UU."
    assert names_held(source, kept, "es") == []


def test_a_legal_form_in_capitals_must_keep_its_case_but_italian_may_write_s_p_a_either_way() -> None:
    assert names_held("Grupo Lala S.A.B. de C.V. said.", "Grupo Lala S.a.B. de C.V. dijo.", "es") != []
    assert names_held("Pirelli S.p.A. said.", "Pirelli S.p.a. dijo.", "es") == []


def test_a_numbered_name_split_by_a_word_holds_whoever_protected_it() -> None:
    source = "She won the ATP 250 event in Kitzbühel."
    target = "Ganó el ATP nuevo 250 acontecimiento en Kitzbühel."
    assert names_held(source, target, "es", protected=("ATP 250",)) == ["ATP nuevo 250"]
    assert names_held(source, "Ganó el torneo ATP 250 de Kitzbühel.", "es", protected=("ATP 250",)) == []


def test_a_bodys_english_head_left_alone_after_the_rest_was_rendered_holds() -> None:
    source = (
        "Paraguay's National Civil Aviation Directorate has approved the route. The Financial Conduct Authority agreed."
    )
    target = (
        "L'aviació Civil Nacional de Paraguai Directorate ja ha aprovat la ruta. "
        "La Financial Conduct Authority ho va acceptar."
    )
    assert held(source, target, "ca") == ["Directorate"]


def test_a_three_letter_english_half_of_a_hyphened_word_holds() -> None:
    source = "The week brings together 340 start-ups."
    target = "La setmana reuneix 340 inici-ups."
    assert held(source, target, "ca") == ["inici-ups"]
    assert held(source, "La setmana reuneix 340 empreses emergents.", "ca") == []


def test_a_name_kept_but_for_its_first_or_last_word_holds() -> None:
    source = "Rwanda Biomedical Centre said on Wednesday that the Sri Lanka Tea Board agreed."
    target = "Ruanda Biomedical Centre va dir dimecres que la Sri Lanka Tea Entaula hi va estar d'acord."
    assert held(source, target, "ca") == ["Biomedical Centre", "Sri Lanka Tea"]
    # A title before a name is no part of it, and a sentence's article is none either.
    titled = "Developer Caledon Hydro expects work to start. The Baltic Book Fair opens."
    kept = "Desenvolupador Caledon Hydro espera començar. La Baltic Book Fair obre."
    assert held(titled, kept, "ca") == []


def test_a_half_rendered_name_holds_though_its_first_english_word_is_common_in_the_target() -> None:
    source = "The Museum of Black Civilisations in Dakar has received 48 masks."
    target = "El Museu de Black Civilisations a Dakar ha rebut 48 màscares."
    assert held(source, target, "ca") == ["Black Civilisations"]


def test_a_country_before_a_score_is_no_numbered_product_and_its_english_form_holds() -> None:
    source = "Georgia beat Spain 34–17 in the final."
    target = "Geòrgia va guanyar Spain 34–17 a la final."
    assert held(source, target, "ca", protected=("Spain 34",), masked=("Spain 34",)) == ["Spain"]


def test_a_place_beside_a_rendered_name_is_no_english_left_in_it() -> None:
    """ "Queensland" and "St Pancras" are places, not English words; "Philadelphie" is a place, not a common noun."""
    source = (
        "Queensland Health said trains from London St Pancras and Cologne meet at the Pennsylvania Convention Center."
    )
    spanish = "El Departamento de Salud de Queensland dijo que los trenes de St Pancras y Colonia llegan al centro."
    assert held(source, spanish, "es") == []
    french = "Ils se retrouvent au Pennsylvania Convention Center de Philadelphie."
    assert held("They meet at the Pennsylvania Convention Center in Philadelphia.", french, "fr") == []


def test_the_people_of_a_place_are_no_name_fused_with_a_word() -> None:
    source = "Voters in Bern approved the cantonal budget."
    target = "Os eleitores de Berna aprovaram o orçamento; os Berneses votaram em massa."
    assert names_held(source, target, "pt") == []
