"""The content checks: figures and links, wrong language, and Simplified vs Traditional Chinese script."""

from __future__ import annotations

from decimal import Decimal

from polywire.localize.checks import load_check
from polywire.localize.checks.base import Finding, Severity, TranslationPair
from polywire.localize.checks.lexicon import dictionary_for
from polywire.localize.checks.numerals import parse_numbers
from tests.conftest import missing


def run(name: str, source: str, target: str, tgt: str = "de") -> list[Finding]:
    pair = TranslationPair.build(source=source, target=target, source_lang="en", target_lang=tgt)
    return load_check(name).run(pair)


def holding(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.HOLD]


def value(text: str, tag: str) -> list[Decimal]:
    return [n.value for n in parse_numbers(text, tag)]


def test_numbers_are_read_with_each_languages_separators() -> None:
    """1.5 = 1,5 (de); 1,000 = 1.000 (de) = 1 000 (fr); 4.5亿 = 450 million."""
    assert value("1.5 and 1,000", "en") == value("1,5 und 1.000", "de") == value("1,5 et 1 000", "fr")
    assert value("450 million", "en") == value("4.5亿", "zh-Hans") == value("450 Mio.", "de")


def test_the_same_figures_in_local_format_pass() -> None:
    """A German translation with 1.200, 4,5 Millionen and a translated month passes."""
    source = "Acme will hire 1,200 people and invest 4.5 million euros from March 3, 2025."
    target = "Acme wird ab dem 3. März 2025 1.200 Menschen einstellen und 4,5 Millionen Euro investieren."
    assert run("numbers", source, target) == []


def test_a_changed_figure_holds_at_its_span() -> None:
    """1.300 instead of 1,200 holds, pointing at the changed number."""
    source = "Acme will hire 1,200 people."
    target = "Acme wird 1.300 Menschen einstellen."
    findings = holding(run("numbers", source, target))
    assert [target[f.start : f.end] for f in findings] == ["1.300"]


def test_a_changed_month_url_or_address_holds() -> None:
    """June for May, a different URL and a different e-mail address each hold."""
    assert holding(run("numbers", "Sales start in May 2025.", "Der Verkauf beginnt im Juni 2025."))
    assert holding(run("numbers", "See https://acme.com/news.", "Siehe https://acme.de/news."))
    assert holding(run("numbers", "Write to press@acme.com.", "Schreiben Sie an presse@acme.com."))


def test_a_spelt_out_small_number_is_only_noted() -> None:
    """ "5 plants" → "fünf Werke" gives an info finding, not a warning."""
    findings = run("numbers", "Acme runs 5 plants.", "Acme betreibt fünf Werke.")
    assert [f.severity for f in findings] == [Severity.INFO]


def test_an_english_sentence_in_a_german_translation_holds() -> None:
    """A long sentence left in English is identified and held; a correct German text passes."""
    source = "Acme opens a new plant in Leipzig. The factory will employ four hundred people from next spring."
    target = "Acme eröffnet ein neues Werk in Leipzig. The factory will employ four hundred people from next spring."
    findings = holding(run("wrong_language", source, target))
    assert len(findings) == 1 and findings[0].start == target.index("The factory")
    good = (
        "Acme eröffnet ein neues Werk in Leipzig. "
        "Die Fabrik wird ab dem nächsten Frühjahr vierhundert Menschen beschäftigen."
    )
    assert run("wrong_language", source, good) == []


def test_malay_and_indonesian_are_one_class() -> None:
    """An Indonesian sentence in a Malay translation is not a wrong language."""
    source = "The company said that profit rose sharply in the third quarter of the year."
    target = "Perusahaan itu mengatakan bahwa laba naik tajam pada kuartal ketiga tahun ini."
    assert run("wrong_language", source, target, "ms") == []


def test_simplified_characters_in_traditional_chinese_hold_and_the_right_script_passes() -> None:
    """zh-Hant text written in Simplified holds; the same text in Traditional passes; and the reverse."""
    simplified = "该公司表示，这个发展对国家经济很重要。"
    traditional = "該公司表示，這個發展對國家經濟很重要。"
    source = "The company said the development matters to the national economy."
    assert holding(run("chinese_script", source, simplified, "zh-Hant"))
    assert run("chinese_script", source, traditional, "zh-Hant") == []
    assert holding(run("chinese_script", source, traditional, "zh-TW")) == []
    assert holding(run("chinese_script", source, traditional, "zh-Hans"))


def test_a_short_sentence_every_word_of_which_the_target_knows_is_not_wrong_language() -> None:
    """lingua reads this Catalan sentence as French; the Catalan speller knows every word."""
    if dictionary_for("ca") is None:
        missing("hunspell with a ca dictionary is not installed (apt-get install hunspell-ca)")
    source = "The opening keynote starts at 09:00 CEST."
    target = "La conferència inaugural començarà a les 9.00 (CEST)."
    pair = TranslationPair.build(source=source, target=target, source_lang="en", target_lang="ca")
    assert [f for f in load_check("wrong_language").run(pair) if f.severity is not Severity.INFO] == []
