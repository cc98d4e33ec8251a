"""Measure the translation quality gate on the labelled set in tests/data/qa/labelled.jsonl.

For each half of the set (split by id parity: even ids are the development half the checks were written
against, odd ids are held out) it prints, per check, precision and recall of "the check fired" (a finding at the
policy's hold severity) against the labels, and overall: the share of defective translations held (goal ≥ 95 %),
the share flagged at all (warn or hold), the share of clean translations held (goal < 5 %) and warned, and the
time per pair. The last line is one JSON object with every figure.

    .venv/bin/python bench/qa_gate.py [--policy standard|strict|lenient] [--show-misses]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from polywire.localize.checks import DEFAULT_CHAIN
from polywire.localize.checks.base import Severity, TranslationPair
from polywire.localize.gate import PRESETS, Assessment, GatePolicy, Verdict, assess

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "data" / "qa" / "labelled.jsonl"


def load(path: Path = LABELLED) -> list[dict[str, Any]]:
    """The labelled pairs, one JSON object per line."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def assess_item(item: dict[str, Any], policy: GatePolicy) -> Assessment:
    """Run the gate on one labelled pair."""
    pair = TranslationPair.build(
        source=item["source"],
        target=item["target"],
        source_lang=item["src_lang"],
        target_lang=item["tgt_lang"],
        protected_terms=tuple(item.get("protected_terms", ())),
    )
    return assess(pair, policy)


def fired(assessment: Assessment, policy: GatePolicy) -> set[str]:
    """The checks with a finding at the severity that holds under the policy."""
    return {f.check for f in assessment.findings if f.severity.rank >= policy.hold_at.rank}


def measure(items: list[dict[str, Any]], results: list[Assessment], policy: GatePolicy) -> dict[str, Any]:
    """Per-check precision and recall, and the gate's overall catch and false-hold rates."""
    per_check: dict[str, dict[str, float | int | None]] = {}
    for name in DEFAULT_CHAIN:
        tp = fp = fn = 0
        for item, result in zip(items, results, strict=True):
            expected = name in item["labels"]
            got = name in fired(result, policy)
            tp += expected and got
            fp += got and not expected
            fn += expected and not got
        per_check[name] = {
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }
    defective = [r for i, r in zip(items, results, strict=True) if i["labels"]]
    clean = [r for i, r in zip(items, results, strict=True) if not i["labels"]]
    held = sum(r.verdict is Verdict.HOLD for r in defective)
    flagged = sum(r.verdict is not Verdict.PASS for r in defective)
    clean_held = sum(r.verdict is Verdict.HOLD for r in clean)
    clean_warned = sum(r.verdict is Verdict.WARN for r in clean)
    return {
        "pairs": len(items),
        "defective": len(defective),
        "clean": len(clean),
        "defective_held": round(held / len(defective), 4) if defective else None,
        "defective_flagged": round(flagged / len(defective), 4) if defective else None,
        "clean_held": round(clean_held / len(clean), 4) if clean else None,
        "clean_warned": round(clean_warned / len(clean), 4) if clean else None,
        "per_check": per_check,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--policy", default="standard", choices=sorted(PRESETS))
    parser.add_argument("--show-misses", action="store_true", help="list missed defects and held clean pairs")
    args = parser.parse_args(argv)
    policy = PRESETS[args.policy]
    items = load()
    # Warm up once (lingua models, word lists, hunspell) so the timing is per pair, not per process.
    assess_item(items[0], policy)
    results: list[Assessment] = []
    timings: list[float] = []
    for item in items:
        started = time.perf_counter()
        results.append(assess_item(item, policy))
        timings.append(time.perf_counter() - started)
    report: dict[str, Any] = {"policy": policy.name}
    for half, parity in (("development", 0), ("held_out", 1)):
        chosen = [(i, r) for i, r in zip(items, results, strict=True) if i["id"] % 2 == parity]
        report[half] = measure([i for i, _ in chosen], [r for _, r in chosen], policy)
    report["all"] = measure(items, results, policy)
    report["ms_per_pair"] = {
        "mean": round(statistics.fmean(timings) * 1000, 1),
        "median": round(statistics.median(timings) * 1000, 1),
        "max": round(max(timings) * 1000, 1),
    }
    for half in ("development", "held_out", "all"):
        figures = report[half]
        print(
            f"{half:12} {figures['pairs']:3} pairs: defective held {figures['defective_held']:.1%} "
            f"(flagged {figures['defective_flagged']:.1%}), clean held {figures['clean_held']:.1%} "
            f"(warned {figures['clean_warned']:.1%})"
        )
    print(f"{'check':20} {'precision':>9} {'recall':>7}   (all pairs; tp/fp/fn)")
    for name, row in report["all"]["per_check"].items():
        precision = "—" if row["precision"] is None else f"{row['precision']:.2f}"
        recall = "—" if row["recall"] is None else f"{row['recall']:.2f}"
        print(f"{name:20} {precision:>9} {recall:>7}   {row['tp']}/{row['fp']}/{row['fn']}")
    print(f"time per pair: mean {report['ms_per_pair']['mean']} ms, median {report['ms_per_pair']['median']} ms")
    if args.show_misses:
        for item, result in zip(items, results, strict=True):
            missed = item["labels"] and result.verdict is not Verdict.HOLD
            false_hold = not item["labels"] and result.verdict is Verdict.HOLD
            wrong = set(item["labels"]) - fired(result, policy)
            extra = fired(result, policy) - set(item["labels"])
            if missed or false_hold or wrong or extra:
                print(
                    f"# {item['id']} {item['tgt_lang']} {item['defect']} labels={item['labels']} "
                    f"verdict={result.verdict.value} missing={sorted(wrong)} extra={sorted(extra)}",
                    file=sys.stderr,
                )
                for finding in result.findings:
                    if finding.severity is not Severity.INFO:
                        print(f"    {finding.check} {finding.severity.value}: {finding.message}", file=sys.stderr)
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
