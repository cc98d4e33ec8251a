"""Running one quality check on a pair built from plain texts, as the check tests do."""

from __future__ import annotations

from polywire.localize.checks import load_check
from polywire.localize.checks.base import Finding, Severity, TranslationPair


def run_check(
    name: str,
    source: str,
    target: str,
    tgt: str,
    *,
    protected: tuple[str, ...] = (),
    masked: tuple[str, ...] = (),
    unknown: tuple[tuple[int, int], ...] = (),
    pivots: tuple[str, ...] = (),
) -> list[Finding]:
    """The findings of check ``name`` on an English source and its translation into ``tgt``."""
    pair = TranslationPair.build(
        source=source,
        target=target,
        source_lang="en",
        target_lang=tgt,
        protected_terms=protected,
        masked_names=masked,
        unknown_spans=unknown,
        pivot_languages=pivots,
    )
    return load_check(name).run(pair)


def held_spans(findings: list[Finding], target: str) -> list[str]:
    """The target text under each finding that holds."""
    return [target[f.start : f.end] for f in findings if f.severity is Severity.HOLD]
