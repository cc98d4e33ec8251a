"""Measure the translation quality gate on the BLIND set in tests/data/qa_blind/ (real apertium output + human
references, labelled by a person before the gate ever ran on them; see that directory's README.md).

For each policy (standard and strict by default) it prints:

* per origin (apertium output, human references) and per target language: how many defective translations the
  gate held (recall at the translation level), flagged at all (warn or hold) and held with a finding that overlaps
  a labelled defect span (held for a labelled reason, not only for another one), and how many clean ones it held
  (false holds) and warned;
* per check: on how many defective / clean-machine / human pairs it fired (a finding at the severity that holds
  under the policy) and its findings at warn or above, with precision and recall against the defect type(s) the
  check is meant to catch (CHECK_TYPES below), counted per translation and, for recall, per labelled defect span
  (a finding of a mapped check that overlaps the span);
* per defect type: how many translations carry it, the share where a mapped check fired, and the share held.

Figures only: the bench asserts no targets. The last line is one JSON object with every figure.

    .venv/bin/python bench/qa_gate_blind.py [--policy standard --policy strict] [--show-misses]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polywire.localize.checks import DEFAULT_CHAIN
from polywire.localize.checks.base import LINK, Finding, Severity, TranslationPair
from polywire.localize.gate import PRESETS, Assessment, GatePolicy, Verdict, assess
from polywire.localize.protect import Kind, mask

SET_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "qa_blind"

# The defect types (tests/data/qa_blind/vocabulary.json) each check is meant to catch. The apertium engine strips
# its unknown-word marks from the text and hands their spans to the gate, so the words it marked stay in the text
# as untranslated English: a finding of unknown_marks there is a hit on source_words too.
CHECK_TYPES: Mapping[str, frozenset[str]] = {
    "truncation": frozenset({"truncated"}),
    "unknown_marks": frozenset({"unknown_mark", "source_words"}),
    "wrong_language": frozenset({"wrong_language"}),
    "chinese_script": frozenset({"chinese_script"}),
    "source_words": frozenset({"source_words"}),
    "protected_names": frozenset({"damaged_name"}),
    "numbers": frozenset({"changed_number"}),
    "sentence_alignment": frozenset({"dropped_or_merged_sentence"}),
    "mid_clause": frozenset({"mid_clause"}),
    "repetition": frozenset({"repetition"}),
    "oov_rate": frozenset({"non_word"}),
}


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled translation of the blind set."""

    id: str
    origin: str
    source: str
    target: str
    tgt_lang: str
    protected_terms: tuple[str, ...]
    unknown_spans: tuple[tuple[int, int], ...]
    label: str
    defects: tuple[dict[str, Any], ...]
    # The languages the engine went through between source and target (en→es→pt: "es"), as the flow passes them.
    pivot_languages: tuple[str, ...] = ()
    # The protected terms that masking found as names by itself (not the publisher's), as the flow passes them.
    masked_names: tuple[str, ...] = ()
    # Whether every placeholder came back whole (machine output); the flow holds a translation where one did not.
    restore_ok: bool = True

    @property
    def defective(self) -> bool:
        return self.label == "defective"

    @property
    def types(self) -> set[str]:
        return {d["type"] for d in self.defects}


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def flow_terms(source: str, target_lang: str) -> tuple[str, ...]:
    """The terms the release flow would hand the gate for this source: those its masking restores verbatim."""
    masked = mask(source, source="en", target=target_lang)
    return tuple(p.original for p in masked.items if p.replacement == p.original)


def flow_names(source: str, target_lang: str, terms: tuple[str, ...]) -> tuple[str, ...]:
    """Which of ``terms`` the flow would pass as names masking found by itself (`translate.masked_names`).

    The sets carry no publisher terms: every term of a machine row is something masking found when the row was
    translated. Today's masking tells the kind of those it still finds; a term it no longer finds was a name of an
    earlier masking when it starts with a capital letter ("River Wey", "Kite 7") and is no link (figures, amounts,
    URLs and addresses start otherwise: "€1.2 billion", "15-year", "12.4 km")."""
    masked = mask(source, source="en", target=target_lang)
    kinds = {p.original: p.kind for p in masked.items}
    return tuple(
        dict.fromkeys(
            term
            for term in terms
            if kinds.get(term) is Kind.NAME or (term not in kinds and term[:1].isupper() and not LINK.search(term))
        )
    )


def load(set_dir: Path = SET_DIR, *, human_terms: str = "flow") -> list[Item]:
    """Every translation of the set with its source and label, machine output first.

    Machine output carries the protected terms and unknown-word spans its translation produced. Human references
    carry, with ``human_terms="flow"``, the terms the flow would protect in the same source (so both origins meet
    the same gate), or none with ``"none"`` (as ``polywire qa`` without ``--protect``).
    """
    sources = {row["id"]: row for row in _jsonl(set_dir / "sources.jsonl")}
    labels = {row["id"]: row for row in _jsonl(set_dir / "labels.jsonl")}
    items = []
    for row in _jsonl(set_dir / "machine.jsonl") + _jsonl(set_dir / "human.jsonl"):
        label = labels[row["id"]]
        items.append(
            Item(
                id=row["id"],
                origin=row["origin"],
                source=sources[row["source_id"]]["text"],
                target=row["target"],
                tgt_lang=row["tgt_lang"],
                protected_terms=(
                    flow_terms(sources[row["source_id"]]["text"], row["tgt_lang"])
                    if row["origin"] == "human" and human_terms == "flow"
                    else tuple(row["protected_terms"])
                ),
                unknown_spans=tuple((int(a), int(b)) for a, b in row["unknown_spans"]),
                label=label["label"],
                defects=tuple(label["defects"]),
                pivot_languages=tuple(row.get("chain", [])[1:-1]),
                restore_ok=bool(row.get("restore_ok", True)),
            )
        )
    return items


def assess_item(item: Item, policy: GatePolicy) -> Assessment:
    """Run the gate on one pair as the release flow would: the flow's protected terms, names and unknown-word spans,
    and its hold when a placeholder did not come back whole (services.localization)."""
    pair = TranslationPair.build(
        source=item.source,
        target=item.target,
        source_lang="en",
        target_lang=item.tgt_lang,
        protected_terms=item.protected_terms,
        masked_names=flow_names(item.source, item.tgt_lang, item.protected_terms),
        unknown_spans=item.unknown_spans,
        pivot_languages=item.pivot_languages,
    )
    assessment = assess(pair, policy)
    if item.restore_ok:
        return assessment
    lost = Finding("protection", Severity.HOLD, "protected terms did not come back whole", 0, len(item.target))
    return Assessment(Verdict.HOLD, (*assessment.findings, lost))


def fired(result: Assessment, policy: GatePolicy) -> set[str]:
    """The checks with a finding at the severity that holds under the policy."""
    return {f.check for f in result.findings if f.severity.rank >= policy.hold_at.rank}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _pct(value: float | None) -> str:
    return "  —  " if value is None else f"{value:6.1%}"


def held_on_a_label(item: Item, result: Assessment, policy: GatePolicy) -> bool:
    """Held by at least one finding (at the holding severity) that overlaps a labelled defect span."""
    return result.verdict is Verdict.HOLD and any(
        f.severity.rank >= policy.hold_at.rank and _overlaps(f, d) for f in result.findings for d in item.defects
    )


def verdict_figures(pairs: Sequence[tuple[Item, Assessment]], policy: GatePolicy) -> dict[str, Any]:
    """Held and flagged shares of the defective pairs, held and warned shares of the clean ones."""
    defective = [r for i, r in pairs if i.defective]
    clean = [r for i, r in pairs if not i.defective]
    return {
        "pairs": len(pairs),
        "defective": len(defective),
        "defective_held": sum(r.verdict is Verdict.HOLD for r in defective),
        "defective_held_on_label": sum(held_on_a_label(i, r, policy) for i, r in pairs if i.defective),
        "defective_flagged": sum(r.verdict is not Verdict.PASS for r in defective),
        "clean": len(clean),
        "clean_held": sum(r.verdict is Verdict.HOLD for r in clean),
        "clean_warned": sum(r.verdict is Verdict.WARN for r in clean),
    }


def _overlaps(finding: Finding, defect: Mapping[str, Any]) -> bool:
    return finding.start < int(defect["end"]) and int(defect["start"]) < finding.end


def check_figures(pairs: Sequence[tuple[Item, Assessment]], policy: GatePolicy) -> dict[str, dict[str, Any]]:
    """Per check: pairs fired on and findings by kind of pair, and precision/recall against its defect types."""
    rows: dict[str, dict[str, Any]] = {}
    for name in DEFAULT_CHAIN:
        types = CHECK_TYPES.get(name, frozenset())
        row: dict[str, Any] = {
            "types": sorted(types),
            "fired_defective": 0,
            "fired_clean_machine": 0,
            "fired_human": 0,
            "findings_defective": 0,
            "findings_clean_machine": 0,
            "findings_human": 0,
        }
        tp = fp = fn = 0
        spans = spans_hit = 0
        for item, result in pairs:
            own = [f for f in result.findings if f.check == name and f.severity.rank >= Severity.WARN.rank]
            kind = "defective" if item.defective else ("human" if item.origin == "human" else "clean_machine")
            got = name in fired(result, policy)
            row[f"fired_{kind}"] += got
            row[f"findings_{kind}"] += len(own)
            expected = bool(item.types & types)
            tp += got and expected
            fp += got and not expected
            fn += expected and not got
            firing = [f for f in own if f.severity.rank >= policy.hold_at.rank]
            for defect in item.defects:
                if defect["type"] in types:
                    spans += 1
                    spans_hit += any(_overlaps(f, defect) for f in firing)
        row.update(
            tp=tp,
            fp=fp,
            fn=fn,
            precision=_share(tp, tp + fp),
            recall=_share(tp, tp + fn),
            spans=spans,
            spans_hit=spans_hit,
            span_recall=_share(spans_hit, spans),
        )
        rows[name] = row
    return rows


def type_figures(pairs: Sequence[tuple[Item, Assessment]], policy: GatePolicy) -> dict[str, dict[str, Any]]:
    """Per defect type: translations carrying it, share where a mapped check fired, share held."""
    kinds = sorted({t for item, _ in pairs for t in item.types})
    rows: dict[str, dict[str, Any]] = {}
    for kind in kinds:
        checks = {name for name, types in CHECK_TYPES.items() if kind in types}
        carrying = [(i, r) for i, r in pairs if kind in i.types]
        caught = sum(bool(fired(r, policy) & checks) for _, r in carrying)
        held = sum(r.verdict is Verdict.HOLD for _, r in carrying)
        rows[kind] = {
            "checks": sorted(checks),
            "pairs": len(carrying),
            "check_fired": caught,
            "recall": _share(caught, len(carrying)),
            "held": held,
            "held_share": _share(held, len(carrying)),
        }
    pivot = [(i, r) for i, r in pairs if any(d.get("detail") == "pivot_words" for d in i.defects)]
    if pivot:
        caught = sum("wrong_language" in fired(r, policy) for _, r in pivot)
        held = sum(r.verdict is Verdict.HOLD for _, r in pivot)
        rows["wrong_language/pivot_words"] = {
            "checks": ["wrong_language"],
            "pairs": len(pivot),
            "check_fired": caught,
            "recall": _share(caught, len(pivot)),
            "held": held,
            "held_share": _share(held, len(pivot)),
        }
    return rows


def _verdict_line(name: str, figures: Mapping[str, Any]) -> str:
    parts = [f"{name:22} {figures['pairs']:3} pairs"]
    if figures["defective"]:
        parts.append(
            f"defective held {figures['defective_held']:3}/{figures['defective']:<3} "
            f"{_pct(_share(figures['defective_held'], figures['defective']))} "
            f"(flagged {_pct(_share(figures['defective_flagged'], figures['defective']))}; "
            f"held on a labelled span {_pct(_share(figures['defective_held_on_label'], figures['defective']))})"
        )
    if figures["clean"]:
        parts.append(
            f"clean held {figures['clean_held']:3}/{figures['clean']:<3} "
            f"{_pct(_share(figures['clean_held'], figures['clean']))} "
            f"(warned {_pct(_share(figures['clean_warned'], figures['clean']))})"
        )
    return "  ".join(parts)


def _fmt(value: float | None) -> str:
    return "   —" if value is None else f"{value:4.2f}"


def report_policy(
    items: Sequence[Item],
    results: Sequence[Assessment],
    policy: GatePolicy,
    bare_human: Sequence[tuple[Item, Assessment]] = (),
) -> dict[str, Any]:
    """Print one policy's figures and return them; `bare_human`: the human references gated without terms."""
    pairs = list(zip(items, results, strict=True))
    groups: dict[str, list[tuple[Item, Assessment]]] = {
        "apertium (all)": [(i, r) for i, r in pairs if i.origin == "machine"],
    }
    for lang in ("es", "ca", "pt", "fr"):
        groups[f"  apertium {lang}"] = [(i, r) for i, r in pairs if i.origin == "machine" and i.tgt_lang == lang]
    groups["human references"] = [(i, r) for i, r in pairs if i.origin == "human"]
    if bare_human:
        groups["  human, no terms"] = list(bare_human)
    groups["all clean (both)"] = [(i, r) for i, r in pairs if not i.defective]
    print(f"\n== policy {policy.name} (a translation is held at a finding of severity ≥ {policy.hold_at.value})")
    verdicts = {}
    for name, chosen in groups.items():
        verdicts[name.strip()] = figures = verdict_figures(chosen, policy)
        print(_verdict_line(name, figures))
    checks = check_figures(pairs, policy)
    print(
        f"\n{'check':19} {'fired on pairs: def':>20} {'clean-mt':>8} {'human':>5}   "
        f"{'findings≥warn: def':>18} {'clean-mt':>8} {'human':>5}   {'prec':>4} {'rec':>4} {'span rec':>12}  types"
    )
    for name, row in checks.items():
        print(
            f"{name:19} {row['fired_defective']:>20} {row['fired_clean_machine']:>8} {row['fired_human']:>5}   "
            f"{row['findings_defective']:>18} {row['findings_clean_machine']:>8} {row['findings_human']:>5}   "
            f"{_fmt(row['precision'])} {_fmt(row['recall'])} {row['spans_hit']:>4}/{row['spans']:<3} "
            f"{_fmt(row['span_recall'])}  {','.join(row['types'])}"
        )
    types = type_figures(pairs, policy)
    print(f"\n{'defect type':27} {'pairs':>5} {'mapped check fired':>19} {'held':>13}  checks")
    for name, row in types.items():
        print(
            f"{name:27} {row['pairs']:>5} {row['check_fired']:>7} {_pct(row['recall']):>11} "
            f"{row['held']:>5} {_pct(row['held_share']):>7}  {','.join(row['checks'])}"
        )
    return {"verdicts": verdicts, "per_check": checks, "per_type": types}


def show_misses(items: Iterable[Item], results: Iterable[Assessment], policy: GatePolicy, what: str = "") -> None:
    """On stderr: every defective translation not held and every clean one held, with the findings."""
    print(
        f"\n# policy {policy.name}{' ' + what if what else ''}: misses (defective, not held) and false holds "
        "(clean, held)",
        file=sys.stderr,
    )
    for item, result in zip(items, results, strict=True):
        held = result.verdict is Verdict.HOLD
        if item.defective == held:
            continue
        kind = "MISS" if item.defective else "FALSE HOLD"
        defects = "; ".join(f"{d['type']}: {d['span']!r}" for d in item.defects) or "-"
        print(f"# {kind} {item.id} verdict={result.verdict.value} labelled: {defects}", file=sys.stderr)
        print(f"    target: {item.target}", file=sys.stderr)
        for finding in result.findings:
            if finding.severity is not Severity.INFO:
                span = item.target[finding.start : finding.end][:60]
                print(
                    f"    {finding.check} {finding.severity.value}: {finding.message} [{span!r}]",
                    file=sys.stderr,
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--policy", action="append", choices=sorted(PRESETS), help="repeatable; standard and strict")
    parser.add_argument("--show-misses", action="store_true", help="list misses and false holds on stderr")
    parser.add_argument(
        "--set", type=Path, default=SET_DIR, help="a set in this format (default tests/data/qa_blind; also qa_blind2)"
    )
    args = parser.parse_args(argv)
    items = load(args.set)
    bare = [i for i in load(args.set, human_terms="none") if i.origin == "human"]
    machine = [i for i in items if i.origin == "machine"]
    human = [i for i in items if i.origin == "human"]
    print(
        f"blind set: {len(machine)} apertium translations ({sum(i.defective for i in machine)} defective, "
        f"{sum(not i.defective for i in machine)} clean) and {len(human)} human references "
        f"({sum(not i.defective for i in human)} clean); the human references are gated with the terms the flow "
        "would protect in their source, and once more without any ('human, no terms', as `polywire qa`)"
    )
    report: dict[str, Any] = {}
    for name in args.policy or ["standard", "strict"]:
        policy = PRESETS[name]
        results = [assess_item(item, policy) for item in items]
        bare_results = [(item, assess_item(item, policy)) for item in bare]
        report[name] = report_policy(items, results, policy, bare_results)
        if args.show_misses:
            show_misses(items, results, policy)
            show_misses([i for i, _ in bare_results], [r for _, r in bare_results], policy, "human, no terms")
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
