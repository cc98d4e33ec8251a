"""The structural checks: mid-clause starts, dropped or merged sentences, truncation, loops, engine marks."""

from __future__ import annotations

from polywire.localize.checks import load_check
from polywire.localize.checks.base import Finding, Severity, TranslationPair


def run(
    name: str, source: str, target: str, tgt: str = "de", unknown: tuple[tuple[int, int], ...] = ()
) -> list[Finding]:
    pair = TranslationPair.build(source=source, target=target, source_lang="en", target_lang=tgt, unknown_spans=unknown)
    return load_check(name).run(pair)


def holding(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.HOLD]


MINISTER = "The minister spoke in Berlin. He stressed that Russia must pay for the damage."


def test_betonte_dass_russland_is_a_german_sentence_without_its_subject() -> None:
    """ "betonte, dass Russland …" holds, pointing at that sentence."""
    target = "Der Minister sprach in Berlin. betonte, dass Russland für den Schaden zahlen muss."
    findings = holding(run("mid_clause", MINISTER, target))
    assert len(findings) == 1
    assert target[findings[0].start : findings[0].end].startswith("betonte, dass Russland")


def test_a_capitalised_reporting_verb_without_subject_holds_in_german() -> None:
    """ "Betonte, dass …" has no subject even when capitalised."""
    target = "Der Minister sprach in Berlin. Betonte, dass Russland für den Schaden zahlen muss."
    assert len(holding(run("mid_clause", MINISTER, target))) == 1


def test_complete_sentences_pass_including_spanish_subject_drop() -> None:
    """A German sentence with its subject, and Spanish "Subrayó que …" (pro-drop), pass."""
    assert run("mid_clause", MINISTER, "Der Minister sprach in Berlin. Er betonte, dass Russland zahlen muss.") == []
    assert run("mid_clause", MINISTER, "El ministro habló en Berlín. Subrayó que Rusia debe pagar.", "es") == []


def test_relative_pronoun_openings_and_chinese_particles_hold() -> None:
    """Spanish "Que …", Lithuanian "kuris …" and Chinese "并表示…" continue a clause."""
    assert holding(run("mid_clause", MINISTER, "El ministro habló en Berlín. Que Rusia debe pagar.", "es"))
    assert holding(
        run("mid_clause", MINISTER, "Ministras kalbėjo Berlyne. Kuris pabrėžė, kad Rusija turi mokėti.", "lt")
    )
    assert holding(run("mid_clause", MINISTER, "部长在柏林发表讲话。并表示俄罗斯必须赔偿。", "zh-Hans"))


SOURCE = "Acme opens a plant in Leipzig. It will employ 400 people. Production starts in May."


def test_a_dropped_sentence_holds_at_the_place_it_is_missing() -> None:
    """Two of three sentences translated: the alignment reports the missing one."""
    target = "Acme eröffnet ein Werk in Leipzig. Die Produktion beginnt im Mai."
    findings = holding(run("sentence_alignment", SOURCE, target))
    assert len(findings) == 1 and "no translation" in findings[0].message
    assert findings[0].start == target.index(" Die Produktion")


def test_merged_sentences_hold_and_a_faithful_translation_passes() -> None:
    """Two source sentences in one target sentence hold; three for three pass."""
    merged = "Acme eröffnet ein Werk in Leipzig und wird dort 400 Menschen beschäftigen. Die Produktion beginnt im Mai."
    assert any("merged" in f.message for f in holding(run("sentence_alignment", SOURCE, merged)))
    faithful = "Acme eröffnet ein Werk in Leipzig. Es wird 400 Menschen beschäftigen. Die Produktion beginnt im Mai."
    assert run("sentence_alignment", SOURCE, faithful) == []


def test_empty_short_and_cut_off_translations_hold() -> None:
    """Empty output, a third of the text, and a text ending mid-sentence all hold."""
    assert holding(run("truncation", SOURCE, "  "))
    assert holding(run("truncation", SOURCE, "Acme eröffnet ein Werk."))
    cut = "Acme eröffnet ein Werk in Leipzig. Es wird 400 Menschen beschäftigen. Die Produktion beginnt im"
    findings = holding(run("truncation", SOURCE, cut))
    assert len(findings) == 1 and findings[0].end == len(cut)


def test_a_phrase_repeated_three_times_holds_but_a_double_word_does_not() -> None:
    """ "die Produktion die Produktion die Produktion" is a loop; "sehr, sehr" is not."""
    loop = "Acme eröffnet ein Werk. Die Produktion die Produktion die Produktion beginnt im Mai."
    findings = holding(run("repetition", SOURCE, loop))
    assert len(findings) == 1 and "3 times" in findings[0].message
    assert run("repetition", SOURCE, "Acme ist sehr, sehr froh. Das Werk beginnt im Mai.") == []
    assert holding(run("repetition", SOURCE, "公司将于5月开始生产开始生产开始生产。", "zh-Hans"))


def test_engine_marks_hold_unless_the_source_has_them() -> None:
    """Apertium's "*Werk" holds; a hashtag or e-mail address from the source does not; reported spans warn."""
    source = "Follow #AcmeNews or write to press@acme.com about the plant."
    target = "Folgen Sie #AcmeNews oder schreiben Sie an press@acme.com über das *plant."
    findings = run("unknown_marks", source, target)
    assert [(target[f.start : f.end], f.severity) for f in findings] == [("*plant", Severity.HOLD)]
    reported = run("unknown_marks", source, "Folgen Sie #AcmeNews.", unknown=((11, 20),))
    assert [f.severity for f in reported] == [Severity.WARN]


def test_a_time_that_carried_the_full_stop_is_no_cut_off_sentence() -> None:
    """ "at 10:30 a.m." ends the source; "a las 10:30" without a point only warns; a real cut-off holds."""
    source = "Shareholders will vote at a court meeting on 14 January at 10:30 a.m."
    ended = TranslationPair.build(
        source=source,
        target="Los accionistas votarán en una junta judicial el 14 de enero a las 10:30",
        source_lang="en",
        target_lang="es",
    )
    assert [f.severity for f in load_check("truncation").run(ended)] == [Severity.WARN]
    target = "Los accionistas votarán en una junta judicial el 14 de"
    cut = TranslationPair.build(source=source, target=target, source_lang="en", target_lang="es")
    assert Severity.HOLD in [f.severity for f in load_check("truncation").run(cut)]
