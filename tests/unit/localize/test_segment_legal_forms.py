"""Company legal forms written with full stops do not end a sentence, in whichever country they come from."""

from __future__ import annotations

import pytest

from polywire.localize.segment import split_sentences


@pytest.mark.parametrize("form", ["s.r.o.", "spol. s r.o.", "d.o.o.", "Sp. z o.o.", "S.A.", "S.p.A."])
def test_a_legal_form_inside_a_sentence_does_not_end_it(form: str) -> None:
    text = f"Prague-based Kolo {form} is recalling 23,400 helmets. The helmets cost CZK 899."
    assert [s.text for s in split_sentences(text, "en")] == [
        f"Prague-based Kolo {form} is recalling 23,400 helmets.",
        "The helmets cost CZK 899.",
    ]


def test_an_egyptian_joint_stock_company_does_not_end_a_sentence() -> None:
    text = "The ministry signed with Sawahil Wind S.A.E. for a 1.1 GW wind farm. The turbines will supply 4,300 GWh."
    assert len(split_sentences(text, "en")) == 2
