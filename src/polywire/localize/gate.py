"""The quality gate: runs a publisher's chain of checks on a translation and decides pass, warn or hold.

``pass`` goes out; ``warn`` goes out with its findings in the report; ``hold`` is not delivered until a person
approves or edits it. A ``GatePolicy`` says which checks run (a tuple of names, so a chain is data), the
severity at which a translation is held, and per-check severity overrides. Three presets:

- ``STANDARD``: every check; a ``hold`` finding holds, a ``warn`` finding warns. The default.
- ``STRICT``: every check; any ``warn`` finding already holds.
- ``LENIENT``: every check, but sentence structure, vocabulary and single short-sentence language guesses only
  warn; only damage to content (numbers, names, loops, truncation, wrong script, marks) holds.

A check that fails with an exception holds the translation with a finding that names the error: a broken
check must not wave translations through.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from polywire.localize.checks import DEFAULT_CHAIN, load_check
from polywire.localize.checks.base import Finding, Severity, TranslationPair

logger = logging.getLogger(__name__)


class Verdict(StrEnum):
    """What happens to a translation: it goes out, goes out with findings, or waits for a person."""

    PASS = "pass"
    WARN = "warn"
    HOLD = "hold"


@dataclass(frozen=True, slots=True)
class GatePolicy:
    """A publisher's gate: the checks to run, the severity that holds, and severity overrides per check."""

    name: str
    checks: tuple[str, ...] = DEFAULT_CHAIN
    hold_at: Severity = Severity.HOLD
    overrides: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))

    def severity_of(self, finding: Finding) -> Severity:
        """The severity a finding has under this policy: its own, or the policy's cap for its check."""
        cap = self.overrides.get(finding.check)
        if cap is not None and cap.rank < finding.severity.rank:
            return cap
        return finding.severity


STANDARD = GatePolicy(name="standard")
STRICT = GatePolicy(name="strict", hold_at=Severity.WARN)
LENIENT = GatePolicy(
    name="lenient",
    overrides=MappingProxyType(
        {
            "mid_clause": Severity.WARN,
            "oov_rate": Severity.WARN,
            "sentence_alignment": Severity.WARN,
            "source_words": Severity.WARN,
            "wrong_language": Severity.WARN,
        }
    ),
)
PRESETS: Mapping[str, GatePolicy] = MappingProxyType({p.name: p for p in (STANDARD, STRICT, LENIENT)})


@dataclass(frozen=True, slots=True)
class Assessment:
    """The gate's answer for one translation: the verdict and every finding, with policy severities applied."""

    verdict: Verdict
    findings: tuple[Finding, ...]

    def as_json(self) -> dict[str, Any]:
        """``{"verdict": ..., "findings": [{"check", "severity", "message", "start", "end"}]}``."""
        return {"verdict": self.verdict.value, "findings": [f.as_json() for f in self.findings]}


def run_checks(pair: TranslationPair, checks: tuple[str, ...]) -> list[Finding]:
    """Every finding of the named checks, in chain order; a check that raises yields a ``hold`` finding."""
    findings: list[Finding] = []
    for name in checks:
        check = load_check(name)
        try:
            findings.extend(check.run(pair))
        except Exception as exc:
            logger.exception("quality check %s failed", name)
            findings.append(
                Finding(name, Severity.HOLD, f"the check failed: {type(exc).__name__}: {exc}", 0, len(pair.target))
            )
    return findings


def assess(pair: TranslationPair, policy: GatePolicy = STANDARD) -> Assessment:
    """Run the policy's checks on a translation and decide its verdict."""
    findings = tuple(
        Finding(f.check, policy.severity_of(f), f.message, f.start, f.end) for f in run_checks(pair, policy.checks)
    )
    ranks = [f.severity.rank for f in findings]
    worst = max(ranks, default=Severity.INFO.rank)
    if worst >= policy.hold_at.rank:
        verdict = Verdict.HOLD
    elif worst >= Severity.WARN.rank:
        verdict = Verdict.WARN
    else:
        verdict = Verdict.PASS
    return Assessment(verdict=verdict, findings=findings)


# A sentence every check can work on: words for the spelling and vocabulary checks, a figure for the numbers check.
_WARM_UP_TEXT = "The company opened 2 new plants in the north of the country on Monday."


def warm_up(languages: Iterable[str], source: str = "en") -> None:
    """Load what the checks read once per process (language models, word lists, spelling dictionaries) for
    each of ``languages``, so that the first release a server gates does not pay for it: measured on the
    6-language benchmark release, the first submit took 2.8 s against 1.0 s for the next ones."""
    for language in languages:
        pair = TranslationPair.build(
            source=_WARM_UP_TEXT, target=_WARM_UP_TEXT, source_lang=source, target_lang=language
        )
        try:
            assess(pair)
        except Exception:  # a warm-up must never take the server down; the real gate reports its own errors
            logger.exception("warming up the quality gate for %s failed", language)
