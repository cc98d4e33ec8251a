"""Sentence segmentation and the check registry that every quality check relies on."""

from __future__ import annotations

import pytest

from polywire.localize.checks import DEFAULT_CHAIN, UnknownCheck, load_check
from polywire.localize.segment import split_sentences


def texts(text: str, language: str) -> list[str]:
    return [s.text for s in split_sentences(text, language)]


def test_abbreviations_initials_and_decimals_do_not_end_sentences() -> None:
    """Mr., Inc., an initial and a decimal point stay inside their sentence."""
    text = "Acme Inc. will hire 1,500 people at 3.5 sites. Mr. J. Smith said so!"
    assert texts(text, "en") == ["Acme Inc. will hire 1,500 people at 3.5 sites.", "Mr. J. Smith said so!"]


def test_german_ordinals_and_lithuanian_dates_do_not_end_sentences() -> None:
    """ "am 5. März" and "2024 m. birželio 5 d." are dates, not sentence ends."""
    assert texts("Am 5. März sagte Dr. Müller z.B. dies. Das ist gut.", "de") == [
        "Am 5. März sagte Dr. Müller z.B. dies.",
        "Das ist gut.",
    ]
    assert texts("2024 m. birželio 5 d. bendrovė pranešė. Tai gerai.", "lt") == [
        "2024 m. birželio 5 d. bendrovė pranešė.",
        "Tai gerai.",
    ]


def test_figure_abbreviation_ends_a_sentence_when_the_next_word_opens_one() -> None:
    """ "94,6 proc. Liepą" ends a Lithuanian sentence after the abbreviation; "450 mln. eurų" does not."""
    assert len(split_sentences("Veiksminga 94,6 proc. Liepą bendrovė kreipsis.", "lt")) == 2
    assert len(split_sentences("Kainuos 450 mln. eurų. Gerai.", "lt")) == 2


def test_quotes_stay_with_their_sentence_and_cjk_full_stops_split() -> None:
    """A closing quote belongs to its sentence; 。 and 」 end Chinese sentences without spaces."""
    assert texts('He said: "It is great." Next.', "en") == ['He said: "It is great."', "Next."]
    assert texts("公司表示，收入增长了5%。董事长说：「很好。」下一句", "zh") == [
        "公司表示，收入增长了5%。",
        "董事长说：「很好。」",
        "下一句",
    ]


def test_spans_point_into_the_text_and_lines_are_paragraphs() -> None:
    """Every sentence's span slices the original text, and each line is its own paragraph."""
    text = "First one. Second one.\n\nThird one"
    sentences = split_sentences(text, "en")
    assert [text[s.start : s.end] for s in sentences] == [s.text for s in sentences]
    assert [s.paragraph for s in sentences] == [0, 0, 1]


def test_every_name_in_the_default_chain_loads_a_check_of_that_name() -> None:
    """The chain is data: each name resolves to a module whose check carries the same name."""
    assert len(DEFAULT_CHAIN) >= 11
    for name in DEFAULT_CHAIN:
        assert load_check(name).name == name


def test_an_unknown_or_helper_module_name_is_refused() -> None:
    """Only modules exposing a check of that name can be chained."""
    for name in ("no_such_check", "vocabulary", "../gate"):
        with pytest.raises(UnknownCheck):
            load_check(name)


@pytest.mark.parametrize(
    "text",
    [
        "El grupo Ortuño Ingenieros S.A. ha acordado comprar el 70 %. La compra se cerrará en marzo.",
        "L'empresa Cantieri Valmarino S.p.A. per allargar la línia. L'obra acabarà el 2029.",
        "Le détaillant Kupsmart sp. z o.o. doit rembourser ses clients. L'argent sera restitué.",
    ],
)
def test_a_company_legal_form_with_full_stops_does_not_end_a_sentence(text: str) -> None:
    assert len(split_sentences(text, "fr")) == 2


@pytest.mark.parametrize(
    ("text", "language", "count"),
    [
        ("Un boîtier de 41 mm. Seuls 350 exemplaires seront fabriqués.", "fr", 2),
        ("MM. Dupont et Durand sont là. Ils partent.", "fr", 2),
        ("Fundy Stream Energy Inc. a reçu l'autorisation. Elle part.", "fr", 2),
        ("Pre-orders open at 10 a.m. JST on the website. Stocks are short.", "en", 2),
    ],
)
def test_units_company_forms_and_times_end_a_sentence_only_where_one_ends(text: str, language: str, count: int) -> None:
    assert len(split_sentences(text, language)) == count
