"""Which words of an English source masking keeps from the engine as names (localize/names.py)."""

from __future__ import annotations

import pytest

from polywire.localize.names import generic_institution, name_candidates


def names_in(text: str) -> list[str]:
    return [text[span.start : span.end] for span in name_candidates(text, "en")]


def test_runs_of_capitalised_words_are_names_and_sentence_openers_are_not() -> None:
    text = "Developer Caledon Hydro said Christian Bruch of Siemens Energy would join."
    assert names_in(text) == ["Caledon Hydro", "Christian Bruch", "Siemens Energy"]


def test_a_name_with_an_elided_particle_is_kept_whole() -> None:
    # "Port" alone is a geographic head to translate, but "Port d'Alcúdia" is the town's name in its own language.
    assert names_in("The breakwater at Port d'Alcúdia cost €37 million.") == ["Port d'Alcúdia"]
    assert names_in("The museum reopened in Val d'Isère on Friday.") == ["Val d'Isère"]


@pytest.mark.parametrize(
    "text",
    [
        "The International Symposium on Coastal Erosion will be held in Aveiro.",
        "The Royal Academy of Fine Arts will tour Spain.",
        "Delegates met at the International Conference on Marine Robotics.",
        "The National Statistics Office said prices rose.",
    ],
)
def test_descriptions_of_events_and_bodies_are_left_to_the_engine(text: str) -> None:
    assert names_in(text) == []


def test_a_name_after_a_description_is_still_a_name_when_it_is_no_common_word() -> None:
    # "Linden" is a common word (the tree) in a longer name: left to the engine, like "Ministry of Health".
    assert names_in("The Annual Festival of Dunmere Castle opens.") == ["Dunmere Castle"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Quillon released Atlas 3.2, an update to its software.", ["Atlas 3.2"]),
        ("Riders can rent the Kite 7 scooter in Lisbon.", ["Kite 7"]),
        ("Work on Phase 2 and Terminal 5 starts in 2027.", []),
        ("Since 2019 the fleet has grown.", []),
        ("Revenue 4 million higher; Expo 2027 opens in May.", []),
    ],
)
def test_a_capitalised_word_with_a_number_is_a_product_unless_generic_or_a_quantity(
    text: str, expected: list[str]
) -> None:
    assert names_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A word the English dictionary knows in lowercase, capitalised inside a sentence: a name.
        ("Quillon said Atlas now plans routes for lorries.", ["Atlas"]),
        ("Shares of Apple rose after the results.", ["Apple"]),
        # Places the dictionary spells only with a capital, and countries, the engine may translate.
        ("The plant near Lisbon will export to Turkey and China.", []),
        # A defined term, a title's or a body's complement, a sentence opener: ordinary words.
        ("The Company said the Board approved it.", []),
        ("She met the Minister of Finance and the Ministry of Health.", []),
        ("Wells in the valley ran dry.", []),
        ("Quarterly: Profits rose.", []),
    ],
)
def test_a_lone_capitalised_common_word_inside_a_sentence_is_a_name(text: str, expected: list[str]) -> None:
    assert names_in(text) == expected


def test_a_title_case_headline_does_not_make_each_lone_word_a_name() -> None:
    # "acme" is in the English dictionary; inside a sentence "Acme" would be masked as a name.
    assert "Acme" in names_in("Orders rose 12% at Acme as demand grew.")
    assert "Acme" not in names_in("Orders Rise 12% at Acme as Demand Grows\nThe update ships today.")


def test_generic_institution_takes_events_only_when_asked() -> None:
    words = ["International", "Symposium"]
    assert not generic_institution(words, "en")
    assert generic_institution(words, "en", events=True)
    assert generic_institution(["National", "Statistics", "Office"], "en")
    assert not generic_institution(["Siemens", "Energy"], "en", events=True)


def test_public_banks_and_organisations_are_bodies_and_company_banks_are_names() -> None:
    text = "The World Bank, the European Investment Bank and the World Health Organization backed Aurora Bank."
    assert names_in(text) == ["Aurora Bank"]


def test_an_institution_head_alone_opens_a_description() -> None:
    assert names_in("The Museum of Modern Textiles in Lyon and the University of Porto will open.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A surname with its particle, on its own after the first mention.
        ("Annelies van der Werff joins. Ms van der Werff, 52, runs it.", ["Annelies van der Werff", "van der Werff"]),
        ("He rented a van in Madrid.", []),
        # A lowercase legal form ends the company's name.
        ("Pennant Hill Group plc said on Monday it agreed.", ["Pennant Hill Group plc"]),
        # Nationality adjectives, titles and a city's head noun are the engine's.
        ("The modernised German section and the French line.", []),
        ("Professor Ingvild Haugstad led the team.", ["Ingvild Haugstad"]),
        ("He won in Mexico City for his novel.", []),
        # "and" carries a description on.
        ("She spent a decade at the Dutch Ministry of Infrastructure and Water Management.", []),
    ],
)
def test_particles_legal_forms_and_words_that_are_not_names(text: str, expected: list[str]) -> None:
    assert names_in(text) == expected


def test_cities_cldr_translates_and_words_english_capitalises_are_left_to_the_engine() -> None:
    """ "New York" becomes "Nueva York"; the Earth and the Treasury are no brands."""
    text = "Futures rose in New York and Mexico City, 124 light-years from Earth, the Treasury said."
    assert names_in(text) == []


def test_acronyms_with_numbers_are_names_and_countries_are_left_to_the_engine() -> None:
    text = "The Aegean Open, a new ATP 250 tournament, pays NOK 4.50 a ticket to farms in New Zealand."
    assert names_in(text) == ["Aegean Open", "ATP 250"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Van den Bosch succeeds Rainer Kölbl.", ["Van den Bosch", "Rainer Kölbl"]),
        ("Monterrey-based Grupo Altamira Envases agreed.", ["Grupo Altamira Envases"]),
        ("The next event is in Mullaghmore, in County Sligo.", ["Sligo"]),
    ],
)
def test_particles_after_an_opener_place_adjectives_and_counties(text: str, expected: list[str]) -> None:
    assert names_in(text) == expected
