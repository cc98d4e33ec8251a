"""Dates, times and codes are taken away from the engine and come back in the target language's own form."""

from __future__ import annotations

import pytest

from polywire.localize.checks.base import Severity, TranslationPair
from polywire.localize.checks.numbers import check
from polywire.localize.protect import Kind, mask, restore

SOURCE = (
    "On March 3, 2026 at 10:30 a.m., the plant opened; sales rose since August, by May 20 and in September 2027, "
    "and the 5G network reached 12 June."
)


def _dates(target: str) -> list[tuple[str, str]]:
    return [(item.original, item.replacement) for item in mask(SOURCE, target=target).items if item.kind is Kind.DATE]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            "es",
            [
                ("March 3, 2026", "3 de marzo de 2026"),
                ("10:30 a.m.", "10:30"),
                ("August", "agosto"),
                ("May 20", "20 de mayo"),
                ("September 2027", "septiembre de 2027"),
                ("12 June", "12 de junio"),
            ],
        ),
        (
            # Catalan's format context would say "d’agost": the engine has already translated "since".
            "ca",
            [
                ("March 3, 2026", "3 de març del 2026"),
                ("10:30 a.m.", "10:30"),
                ("August", "agost"),
                ("May 20", "20 de maig"),
                ("September 2027", "setembre del 2027"),
                ("12 June", "12 de juny"),
            ],
        ),
        ("de", [("March 3, 2026", "3. März 2026"), ("10:30 a.m.", "10:30"), ("August", "August"),
                ("May 20", "20. Mai"), ("September 2027", "September 2027"), ("12 June", "12. Juni")]),
    ],
)  # fmt: skip
def test_dates_and_times_take_the_target_form(target: str, expected: list[tuple[str, str]]) -> None:
    assert _dates(target) == expected


def test_what_is_no_date_is_left_to_the_engine() -> None:
    text = "On February 30 we may win. May I ask? The 3rd plant of the 1990s."
    assert [item for item in mask(text, target="es").items if item.kind is Kind.DATE] == []
    # Without a target, or from another source language, dates are not touched.
    assert [item for item in mask(SOURCE).items if item.kind is Kind.DATE] == []
    assert [item for item in mask("El 3 de marzo", source="es", target="en").items if item.kind is Kind.DATE] == []


def test_codes_of_letters_and_digits_are_kept_whole_and_ordinals_are_not_codes() -> None:
    text = "The 5G network, the A320, COVID-19 tests and CO2 cuts; the 3rd plant of the 1990s."
    codes = [item.original for item in mask(text, target="es").items if item.kind is Kind.CODE]
    assert codes == ["5G", "A320", "COVID-19", "CO2"]


def test_a_common_word_opening_a_sentence_is_not_part_of_the_name() -> None:
    names = [
        item.original
        for item in mask("Developer Caledon Hydro grew. General Motors rose.", target="es").items
        if item.kind is Kind.NAME
    ]
    assert names == ["Caledon Hydro", "General Motors"]


def test_a_number_pushed_out_of_its_brackets_is_restored() -> None:
    masked = mask("We ran the Seville Marathon and the Boston Marathon today.", target="pt")
    restored = restore("Corremos a 1 ⟦⟧ e a ⟦2⟧ hoje.", masked)
    assert restored.report.ok
    assert restored.text == "Corremos a Seville Marathon e a Boston Marathon hoje."


def test_a_geographic_noun_is_translated_and_only_the_proper_part_is_masked() -> None:
    text = "Work began on the Saint-Aubin Bridge over the River Wey. Siemens Energy grew."
    names = [item.original for item in mask(text, target="es").items if item.kind is Kind.NAME]
    assert names == ["Saint-Aubin", "Wey", "Siemens Energy"]


def test_a_number_joined_to_a_word_is_no_code() -> None:
    codes = [item.original for item in mask("In mid-2028 a 40-litre tank and 5G.", target="es").items]
    assert codes == ["5G"]


@pytest.mark.parametrize(
    ("target", "holds"),
    [("La reunió comença a les 17.00 h.", False), ("La reunió comença a les 17:00.", False),
     ("La reunió comença a les 18:00.", True)],
)  # fmt: skip
def test_the_numbers_check_reads_a_clock_time_as_a_time_of_day(target: str, holds: bool) -> None:
    pair = TranslationPair.build(
        source="The meeting starts at 5:00 p.m.", target=target, source_lang="en", target_lang="ca"
    )
    assert any(f.severity is Severity.HOLD for f in check.run(pair)) is holds


def test_version_numbers_and_compounds_stay_and_bare_scaled_figures_are_localised() -> None:
    text = (
        "The Atlas 3.2 update and version 2.1; a 1,200-seat hall; 412 billion yen, 1.5 million people, 350,000 homes."
    )
    items = mask(text, target="ca").items
    # The product and its version are one name, kept verbatim ("Atles 3,2" was both a translated name and a decimal).
    assert [(item.kind, item.original) for item in items if item.kind is Kind.NAME] == [(Kind.NAME, "Atlas 3.2")]
    figures = [(item.original, item.replacement) for item in items if item.kind is not Kind.NAME]
    assert figures == [
        ("412 billion", "412 milers de milions"),
        ("1.5 million", "1,5 milions"),
        ("350,000", "350.000"),
    ]
