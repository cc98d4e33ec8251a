"""Masking protected spans before translation and restoring them exactly afterwards."""

from __future__ import annotations

import pytest

from polywire.localize.protect import Kind, mask, restore

RELEASE = (
    "Siemens Energy said revenue at Siemens Gamesa rose 12.5 % to €1.2 billion (ETR: ENR), NYSE: SIE and $AAPL. "
    "Chief Executive Christian Bruch said 400 MW would follow. See https://www.siemens-energy.com/press. "
    "Mail press@siemens-energy.com or follow #energy."
)


def kinds(text: str, **kwargs: object) -> dict[str, Kind]:
    masked = mask(text, **kwargs)  # type: ignore[arg-type]
    return {item.original: item.kind for item in masked.items}


def test_each_kind_of_protected_span_is_masked() -> None:
    """URLs, e-mails, tickers, amounts, units, hashtags, terms and heuristic names all become placeholders."""
    found = kinds(RELEASE, protected_terms=["Siemens Energy"])
    assert found == {
        "Siemens Energy": Kind.TERM,
        "Siemens Gamesa": Kind.NAME,
        "12.5 %": Kind.AMOUNT,
        "€1.2 billion": Kind.AMOUNT,
        "ETR: ENR": Kind.TICKER,
        "NYSE: SIE": Kind.TICKER,
        "$AAPL": Kind.TICKER,
        "Christian Bruch": Kind.NAME,
        "400 MW": Kind.AMOUNT,
        "https://www.siemens-energy.com/press": Kind.URL,
        "press@siemens-energy.com": Kind.EMAIL,
        "#energy": Kind.HANDLE,
    }


def test_restore_round_trips_byte_for_byte() -> None:
    """Restoring an untouched masked text gives back the original exactly, with a clean report."""
    masked = mask(RELEASE, protected_terms=["Siemens Energy"])
    assert "Siemens" not in masked.text and "https://" not in masked.text
    restored = restore(masked.text, masked)
    assert restored.text == RELEASE
    assert restored.report.ok


def test_titles_and_calendar_words_are_not_names() -> None:
    """A title or weekday before a name is left for the engine; only the name itself is masked."""
    found = kinds("On Tuesday Chief Executive Christian Bruch met The Board in March.")
    assert found == {"Christian Bruch": Kind.NAME}


def test_name_heuristic_is_off_for_german() -> None:
    """German capitalises every noun, so runs of capitals are not taken for names there."""
    assert kinds("Die Neue Anlage steht in Leipzig.", source="de") == {}


def test_glossary_term_restores_to_its_forced_translation() -> None:
    """A glossary term is masked and comes back as the target-language term, keeping a positional capital."""
    masked = mask("Wind turbines and a wind turbine.", glossary={"wind turbine": "aerogenerador"})
    # Plural forms are separate glossary entries: the glossary matches whole terms, not lemmas.
    assert [item.replacement for item in masked.items] == ["aerogenerador"]
    restored = restore(masked.text, masked)
    assert restored.text == "Wind turbines and a aerogenerador."


def test_lost_duplicated_and_invented_placeholders_are_reported() -> None:
    """A placeholder the engine dropped, repeated or invented shows up in the restore report."""
    masked = mask("Acme Corp and Globex Inc met Initech Ltd.")
    assert len(masked.items) == 3
    first, second, third = (item.placeholder for item in masked.items)
    mangled = f"{first} y {first} se reunieron con {third} ⟦99⟧."
    restored = restore(mangled, masked)
    assert [item.original for item in restored.report.missing] == ["Globex Inc"]
    assert [item.original for item in restored.report.duplicated] == ["Acme Corp"]
    assert restored.report.unexpected == ("⟦99⟧",)
    assert second not in restored.text and "⟦" not in restored.text
    assert restored.text == "Acme Corp y Acme Corp se reunieron con Initech Ltd ."


def test_engine_marks_on_placeholders_are_stripped() -> None:
    """Apertium's unknown-word mark before a placeholder does not survive restoration."""
    masked = mask("Shares of Siemens Energy rose.", protected_terms=["Siemens Energy"])
    restored = restore(masked.text.replace("⟦1⟧", "*⟦1⟧"), masked)
    assert restored.text == "Shares of Siemens Energy rose."


def test_html_masks_text_nodes_and_leaves_attributes() -> None:
    """In HTML only text is masked: a URL inside href stays in the tag, the visible one is masked."""
    fragment = '<p>Read <a href="https://example.com/a">https://example.com/a</a> by <b>Siemens Energy</b>.</p>'
    masked = mask(fragment, protected_terms=["Siemens Energy"], html=True)
    assert masked.text == '<p>Read <a href="https://example.com/a">⟦1⟧</a> by <b>⟦2⟧</b>.</p>'
    assert restore(masked.text, masked).text == fragment


def test_offsets_map_across_restored_placeholders() -> None:
    """A span after a placeholder moves by the difference between the placeholder and what replaced it."""
    masked = mask("Siemens Energy grew xyzzy.", protected_terms=["Siemens Energy"])
    restored = restore(masked.text, masked)
    position = masked.text.index("xyzzy")
    assert restored.text[restored.map_offset(position) :].startswith("xyzzy")


def test_tags_apertium_moved_inside_a_placeholder_are_put_back_around_it() -> None:
    """apertium -f html binds an inline tag to the digits of ⟦1⟧; restore moves the tag back around the term."""
    fragment = '<p>By <a href="/ir">Siemens Energy</a>.</p>'
    masked = mask(fragment, protected_terms=["Siemens Energy"], html=True)
    engine_output = '<p>Por ⟦<a href="/ir">1</a>⟧.</p>'
    restored = restore(engine_output, masked)
    assert restored.text == '<p>Por <a href="/ir">Siemens Energy</a>.</p>'
    assert restored.report.ok


def test_generic_public_bodies_are_left_to_the_engine_and_company_names_are_kept() -> None:
    """ "National Statistics Office" is a description a translator renders ("Oficina Nacional de Estadística");
    masking it kept it in English. Company names of common words ("Aurora Bank") stay masked."""
    text = "The National Statistics Office and the European Medicines Agency said Aurora Bank and Siemens Energy grew."
    names = [item.original for item in mask(text, target="es").items if item.kind is Kind.NAME]
    assert names == ["Aurora Bank", "Siemens Energy"]
    # Only English descriptions are recognised; a name with an unknown word is a brand ("Nordlicht Agency").
    assert [item.original for item in mask("Nordlicht Agency grew.").items] == ["Nordlicht Agency"]


def test_a_bare_web_address_is_masked_whole() -> None:
    text = "Municipalities can apply through saneamento.cidades.gov.br by 31 March, e.g. online."
    items = mask(text, target="ca").items
    assert [(item.kind, item.original) for item in items if item.kind is Kind.URL] == [
        (Kind.URL, "saneamento.cidades.gov.br")
    ]


def test_a_time_ending_a_sentence_keeps_the_full_stop_its_abbreviation_carried() -> None:
    items = mask("Shareholders vote on 14 January at 10:30 a.m. The court sits at 9 a.m. on Monday.", target="es").items
    assert [item.replacement for item in items if item.original.endswith("m.")] == ["10:30.", "9:00"]


def test_up_to_six_words_the_engine_moved_inside_a_placeholder_are_put_back() -> None:
    masked = mask("Homewell is recalling 82,000 kettles.", target="fr")
    restored = restore("Homewell Il ⟦est en train de retirer 1⟧ bouilloires.", masked)
    assert restored.text == "Homewell Il est en train de retirer 82\u202f000 bouilloires."
    assert restored.report.ok and "⟦" not in restored.text


def test_a_legal_form_with_full_stops_is_kept_whole_beside_the_name() -> None:
    masked = mask("Banco Meridional do Atlântico S.A. named Beatriz da Rocha Menezes on Tuesday.", target="es")
    assert [(item.kind, item.original) for item in masked.items] == [
        (Kind.NAME, "Banco Meridional do Atlântico"),
        (Kind.CODE, "S.A."),
        (Kind.NAME, "Beatriz da Rocha Menezes"),
    ]


@pytest.mark.parametrize(
    ("text", "written"),
    [("It cost ₹3.8 crore.", "38 millones ₹"), ("A NZ$63m fund.", "63 millones NZ$"), ("For £385m.", "385 millones £")],
)
def test_indian_scales_and_glued_scales_come_back_in_the_target_notation(text: str, written: str) -> None:
    [item] = mask(text, target="es").items
    assert item.replacement.replace("\u00a0", " ") == written


def test_a_figure_after_a_sentences_first_word_is_no_version() -> None:
    items = mask("The 5.0 Ah battery charges in 38 minutes; Atlas 3.2 ships.", target="ca").items
    assert [(item.kind, item.original, item.replacement) for item in items][:1] == [(Kind.FIGURE, "5.0", "5,0")]


def test_currency_codes_of_latin_america_and_africa_are_amounts() -> None:
    [item] = mask("The network is funded with PEN 45 million.", target="es").items
    assert (item.kind, item.replacement.replace("\u00a0", " ")) == (Kind.AMOUNT, "45 millones PEN")
