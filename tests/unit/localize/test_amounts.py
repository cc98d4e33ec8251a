"""Protected amounts come back written the target language's way, and the numbers check reads them back.

The figure must never change (a newswire that turns "€1.2 billion" into 1.2 × 10¹² in Spanish has published a
false number), but an English "1.2 billion" left inside a Spanish sentence is both an English word and, read the
Spanish way, a different number. These tests pin both halves: what is written, and that the gate agrees with it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from polywire.localize.amounts import localise_amount, read_amount, write_amount
from polywire.localize.checks.base import Severity, TranslationPair
from polywire.localize.checks.numbers import check as numbers_check
from polywire.localize.checks.numerals import parse_numbers
from polywire.localize.protect import Kind, mask, restore

NBSP = "\u00a0"

AMOUNTS = [
    "€1.2 billion",
    "USD 400 million",
    "12.5%",
    "250 MW",
    "$3.5bn",
    "€1,200.50",
    "£12",
    "1,500 km",
    "$12.345 billion",
    "€400 thousand",
    "HK$2 billion",
    "400 EUR",
    "€2.75 trillion",
    "$950,000",
    "0.5%",
    "€1,234,567.89",
]
LANGUAGES = [
    "es", "ca", "ca-ES-valencia", "pt", "pt-BR", "pt-PT", "fr", "de", "de-CH", "lt", "it", "nl", "pl", "sv", "tr",
    "ru", "uk", "el", "id", "ms", "vi", "zh", "zh-Hant", "ja", "ko", "hi", "ar", "he", "en",
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        ("€1.2 billion", "es", f"1,2 mil millones{NBSP}€"),
        ("€1.2 billion", "pt-BR", f"€{NBSP}1,2 bilhão"),
        # Portugal says "mil milhões" for 10⁹; its "bilião" is 10¹².
        ("€1.2 billion", "pt-PT", f"1,2 mil milhões{NBSP}€"),
        ("€1.2 billion", "de", f"1,2 Milliarden{NBSP}€"),
        ("€1.2 billion", "fr", f"1,2 milliard{NBSP}€"),
        ("USD 400 million", "es", f"400 millones{NBSP}USD"),
        ("$3.5bn", "zh", "$35亿"),
        ("12.5%", "es", f"12,5{NBSP}%"),
        ("12.5%", "tr", "%12,5"),
        ("€1,200.50", "fr", f"1\u202f200,50{NBSP}€"),
        ("€1,200.50", "de-CH", f"€{NBSP}1’200.50"),
        ("$950,000", "hi", "$9,50,000"),
        ("250 MW", "ca", f"250{NBSP}MW"),
    ],
)
def test_amounts_are_written_the_target_way(text: str, target: str, expected: str) -> None:
    assert localise_amount(text, source="en", target=target) == expected


@pytest.mark.parametrize("text", AMOUNTS)
@pytest.mark.parametrize("target", LANGUAGES)
def test_the_numbers_check_reads_back_exactly_the_value_it_was_given(text: str, target: str) -> None:
    amount = read_amount(text, "en")
    assert amount is not None
    written = write_amount(amount, target)
    assert written is not None
    numbers = parse_numbers(written, target)
    assert [n.value for n in numbers] == [amount.value.normalize()], written


def test_decimals_are_kept_as_written_never_rounded() -> None:
    amount = read_amount("$12.345 billion", "en")
    assert amount is not None and amount.value == Decimal("12345000000")
    assert localise_amount("$12.345 billion", source="en", target="es") == f"12,345 mil millones{NBSP}$"
    assert localise_amount("€1,200.50", source="en", target="es") == f"1.200,50{NBSP}€"


@pytest.mark.parametrize(
    "text",
    [
        "1,2 Mrd. €",  # German decimals: not for an English reader to guess
        "€1,2",  # a comma with one digit after it is no English number
        "€ 5 zillion",
        "EUR 4 $",  # two currencies
    ],
)
def test_what_cannot_be_read_without_doubt_comes_back_verbatim(text: str) -> None:
    assert localise_amount(text, source="en", target="es") == text


def test_only_english_scale_words_are_read_from_english() -> None:
    # A French "billion" is 10¹²: a scale word in another source language is left alone.
    assert localise_amount("1,2 billion €", source="fr", target="es") == "1,2 billion €"


def test_masking_for_a_target_restores_the_localised_amount() -> None:
    masked = mask("Revenue rose to €1.2 billion, up 12.5%.", source="en", target="es")
    amounts = [item for item in masked.items if item.kind is Kind.AMOUNT]
    assert [item.original for item in amounts] == ["€1.2 billion", "12.5%"]
    engine_output = masked.text.replace("Revenue rose to", "Los ingresos subieron a").replace("up", "un")
    restored = restore(engine_output, masked)
    assert restored.report.ok
    assert restored.text == f"Los ingresos subieron a 1,2 mil millones{NBSP}€, un 12,5{NBSP}%."


def test_masking_without_a_target_keeps_the_amount_verbatim() -> None:
    masked = mask("Revenue rose to €1.2 billion.", source="en")
    restored = restore(masked.text, masked)
    assert restored.text == "Revenue rose to €1.2 billion."


def _holds(source: str, target: str, lang: str) -> list[str]:
    pair = TranslationPair.build(source=source, target=target, source_lang="en", target_lang=lang)
    return [f.message for f in numbers_check.run(pair) if f.severity is Severity.HOLD]


def test_the_gate_passes_a_localised_amount_and_holds_a_wrong_scale() -> None:
    source = "Revenue rose to €1.2 billion."
    assert _holds(source, f"Los ingresos subieron a 1,2 mil millones{NBSP}€.", "es") == []
    # "billón" is 10¹² in Spanish: the classic false friend changes the figure a thousandfold.
    assert _holds(source, "Los ingresos subieron a 1,2 billones de euros.", "es")
    # French "billion" is 10¹² as well.
    assert _holds(source, "Le chiffre d'affaires a atteint 1,2 billion d'euros.", "fr")
    assert _holds(source, "Le chiffre d'affaires a atteint 1,2 milliard d'euros.", "fr") == []
    # English figures left in a Spanish sentence read as other numbers there.
    assert _holds(source, "Los ingresos subieron a €1.2 billion.", "es")


def test_figures_with_groups_or_decimals_are_localised_and_other_numbers_left_alone() -> None:
    masked = mask("About 350,000 homes, 2.75 times more, version 1.2.3 at 10.0.0.1 since 2026.", target="es")
    figures = [(item.original, item.replacement) for item in masked.items if item.kind is Kind.FIGURE]
    assert figures == [("350,000", "350.000"), ("2.75", "2,75")]
    assert "1.2.3" in masked.text and "10.0.0.1" in masked.text and "2026" in masked.text
    # Without a target language nothing is localised, so figures need no masking.
    assert not [item for item in mask("About 350,000 homes.").items if item.kind is Kind.FIGURE]


@pytest.mark.parametrize(
    ("engine_output", "expected"),
    [
        # apertium es→fr moves the adverb of "aproximadamente ⟦1⟧" inside the brackets.
        ("Il coûtera ⟦environ 1⟧ et plus.", f"Il coûtera environ 1,2 milliard{NBSP}€ et plus."),
        ("Il coûtera ⟦1 environ⟧ et plus.", f"Il coûtera 1,2 milliard{NBSP}€ environ et plus."),
        ("Il coûtera ⟦<b>1</b>⟧.", f"Il coûtera <b>1,2 milliard{NBSP}€</b>."),
    ],
)
def test_words_an_engine_moved_inside_a_placeholder_are_put_back_beside_it(engine_output: str, expected: str) -> None:
    masked = mask("It will cost about €1.2 billion and more.", target="fr")
    restored = restore(engine_output, masked)
    assert restored.report.ok
    assert restored.text == expected
