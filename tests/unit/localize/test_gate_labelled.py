"""The gate on the labelled set: it must hold ≥ 95 % of defective translations and < 5 % of clean ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from polywire.localize.checks.base import TranslationPair
from polywire.localize.checks.lexicon import dictionary_for
from polywire.localize.gate import STANDARD, Verdict, assess
from tests.conftest import missing

LABELLED = Path(__file__).resolve().parents[2] / "data" / "qa" / "labelled.jsonl"


@pytest.fixture(scope="module")
def verdicts() -> list[tuple[dict[str, Any], Verdict]]:
    if any(dictionary_for(tag) is None for tag in ("de", "es", "fr", "pt", "lt")):
        missing("hunspell with de, es, fr, pt and lt dictionaries is needed for the labelled set")
    items = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    results = []
    for item in items:
        pair = TranslationPair.build(
            source=item["source"], target=item["target"], source_lang=item["src_lang"], target_lang=item["tgt_lang"]
        )
        results.append((item, assess(pair, STANDARD).verdict))
    return results


def test_the_labelled_set_is_large_and_covers_every_language_and_check(
    verdicts: list[tuple[dict[str, Any], Verdict]],
) -> None:
    """At least 120 pairs over the eight target languages, clean ones and every defect kind."""
    assert len(verdicts) >= 120
    assert {item["tgt_lang"] for item, _ in verdicts} >= {"de", "es", "lt", "fr", "pt", "zh-Hans", "zh-Hant", "ms"}
    labels = {label for item, _ in verdicts for label in item["labels"]}
    assert len(labels) == 11


@pytest.mark.parametrize("parity", [0, 1], ids=["development", "held-out"])
def test_the_gate_meets_its_goals_on_each_half(verdicts: list[tuple[dict[str, Any], Verdict]], parity: int) -> None:
    """Each half (by id parity): ≥ 95 % of defective pairs held, < 5 % of clean pairs held."""
    half = [(item, verdict) for item, verdict in verdicts if item["id"] % 2 == parity]
    defective = [v for item, v in half if item["labels"]]
    clean = [v for item, v in half if not item["labels"]]
    caught = sum(v is Verdict.HOLD for v in defective) / len(defective)
    false_holds = sum(v is Verdict.HOLD for v in clean) / len(clean)
    assert caught >= 0.95, f"only {caught:.1%} of defective translations held"
    assert false_holds < 0.05, f"{false_holds:.1%} of clean translations held"
