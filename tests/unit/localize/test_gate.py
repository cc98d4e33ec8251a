"""The gate: verdicts from findings under a policy, the JSON shape, and a failing check holding."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from polywire.localize import gate as gate_module
from polywire.localize.checks.base import Finding, Severity, TranslationPair
from polywire.localize.gate import LENIENT, STANDARD, STRICT, GatePolicy, Verdict, assess

SOURCE = "Acme opens a plant in Leipzig. It will employ 400 people."
GOOD = "Acme eröffnet ein Werk in Leipzig. Es wird 400 Menschen beschäftigen."


def pair(target: str) -> TranslationPair:
    return TranslationPair.build(source=SOURCE, target=target, source_lang="en", target_lang="de")


def test_a_good_translation_passes_with_json_findings_list() -> None:
    """A faithful translation passes, and the JSON has the verdict and a findings list."""
    result = assess(pair(GOOD))
    assert result.verdict is Verdict.PASS
    assert result.as_json() == {"verdict": "pass", "findings": []}


def test_a_changed_number_holds_and_findings_carry_their_span() -> None:
    """Under the standard policy a changed figure holds; the finding names check, severity, message and span."""
    target = GOOD.replace("400", "500")
    result = assess(pair(target)).as_json()
    assert result["verdict"] == "hold"
    finding = result["findings"][0]
    assert set(finding) == {"check", "severity", "message", "start", "end"}
    assert target[finding["start"] : finding["end"]] == "500"


def test_warn_findings_warn_under_standard_and_hold_under_strict() -> None:
    """A missing large figure warns; the strict preset holds on warnings."""
    target = "Acme eröffnet ein Werk in Leipzig. Es wird viele Menschen beschäftigen."
    source_pair = TranslationPair.build(
        source=SOURCE.replace("400", "4,000"), target=target, source_lang="en", target_lang="de"
    )
    assert assess(source_pair, STANDARD).verdict is Verdict.WARN
    assert assess(source_pair, STRICT).verdict is Verdict.HOLD


def test_lenient_caps_structural_checks_at_warn_and_policies_choose_checks() -> None:
    """A lost subject holds under standard, warns under lenient, and passes when mid_clause is off."""
    target = "Acme eröffnet ein Werk in Leipzig. wird 400 Menschen beschäftigen."
    assert assess(pair(target), STANDARD).verdict is Verdict.HOLD
    assert assess(pair(target), LENIENT).verdict is Verdict.WARN
    without = GatePolicy(name="no-structure", checks=("numbers", "truncation"))
    assert assess(pair(target), without).verdict is Verdict.PASS


@dataclass(frozen=True)
class _Broken:
    name: str = "broken"

    def run(self, pair: TranslationPair) -> list[Finding]:
        raise RuntimeError("dictionary vanished")


def test_a_check_that_raises_holds_the_translation(monkeypatch: pytest.MonkeyPatch) -> None:
    """A crashing check must not wave a translation through: it holds with the error named."""
    monkeypatch.setattr(gate_module, "load_check", lambda name: _Broken())
    result = assess(pair(GOOD), GatePolicy(name="broken", checks=("broken",)))
    assert result.verdict is Verdict.HOLD
    assert "dictionary vanished" in result.findings[0].message


def test_severity_overrides_only_lower_a_findings_severity() -> None:
    """An override caps a check's severity and never raises it."""
    finding = Finding("numbers", Severity.INFO, "noted", 0, 0)
    assert LENIENT.severity_of(Finding("mid_clause", Severity.HOLD, "x", 0, 1)) is Severity.WARN
    assert LENIENT.severity_of(finding) is Severity.INFO
