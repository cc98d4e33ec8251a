"""Figures that are no quantities: a 24-hour time the target writes its own way ("16:30" → "16.30"), and a telephone
number whose groups a translation with space-grouped thousands must not read as one figure."""

from __future__ import annotations

from polywire.localize.checks import load_check
from polywire.localize.checks.base import Severity, TranslationPair
from polywire.localize.checks.oov_rate import countable_words


def findings(source: str, target: str, tgt: str) -> list[tuple[Severity, str]]:
    pair = TranslationPair.build(source=source, target=target, source_lang="en", target_lang=tgt)
    return [(f.severity, target[f.start : f.end]) for f in load_check("numbers").run(pair)]


def test_a_24_hour_time_written_with_a_full_stop_is_the_same_time() -> None:
    source = "Guided tours start at 11:00 and 16:30; offices open 8:30 a.m. to 4:30 p.m."
    target = "Las visitas guiadas comienzan a las 11.00 y a las 16.30; las oficinas abren de 8.30 a 16.30."
    assert findings(source, target, "es") == []
    assert findings("Tours start at 16:30.", "Las visitas comienzan a las 16.40.", "es") == [(Severity.HOLD, "16.40")]


def test_a_race_time_is_no_clock_time() -> None:
    assert findings("She won in 4:02:17.", "Va guanyar en 4:02:17.", "ca") == []


def test_a_telephone_number_kept_is_no_grouped_figure() -> None:
    source = "They recalled 23,400 helmets; call +420 234 567 890 or 0800 917 4402."
    target = "Recolheram 23 400 capacetes; ligue para o +420 234 567 890 ou o 0800 917 4402."
    assert findings(source, target, "pt") == []


def oov(source: str, target: str, tgt: str) -> list[tuple[Severity, str]]:
    pair = TranslationPair.build(source=source, target=target, source_lang="en", target_lang=tgt)
    return [(f.severity, f.message) for f in load_check("oov_rate").run(pair)]


def test_borrowed_words_elided_names_and_prefixed_words_are_not_unknown() -> None:
    """ "tenges" inflects a source word, "d'Aktaou" is a name after an elided particle, "subdistritos" a prefix on a
    word: a translator's choices, not gibberish."""
    source = "Revenue rose to 412 billion tenge as shipments from Aktau grew in 64 subdistricts of the region."
    french = "Le chiffre d'affaires a atteint 412 milliards de tenges, les expéditions d'Aktaou ayant augmenté."
    pair = TranslationPair.build(source=source, target=french, source_lang="en", target_lang="fr")
    counted = {token.text for token in countable_words(pair)}
    assert "tenges" not in counted and "d'Aktaou" not in counted and "expéditions" in counted
    spanish = "Los envíos de Aktau crecieron en 64 subdistritos de la región, y los ingresos subieron."
    assert oov(source, spanish, "es") == []
    glued = "Los envíos de Aktau crecieron en 64 distritosdela región, y los ingresos subieron."
    assert [severity for severity, _ in oov(source, glued, "es")] == [Severity.HOLD]


def test_a_whole_hour_in_french_and_a_mile_are_no_changed_figures() -> None:
    source = "The opening starts at 6 p.m.; the crossing will be 1.6 miles long."
    target = "L'ouverture commencera à 18 h ; l'ouvrage sera long de 1,6 mille."
    assert findings(source, target, "fr") == []
    assert findings("It starts at 6 p.m.", "Cela commencera à 19 h.", "fr") == [(Severity.HOLD, "19")]
