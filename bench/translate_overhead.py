"""How much does polywire add to machine translation? A 600-word release into every language available here.

The issue's target: polywire's own work around the engine (masking, restoring, the quality gate, bookkeeping)
stays under 25 % of the engine's time. This benchmark measures both in the same run, on the same text, on the
same machine under the same load, so the ratio means something even when the absolute seconds do not:

* **engine alone**: ``engine.translate_detailed`` on the release's unmasked headline, summary and HTML body, in
  one call per language, as the release flow batches them;
* **polywire**: what the release flow does per language: ``translate_texts`` (mask → the same engine call on the
  masked texts → restore) and then, per field, ``TranslationPair.build`` (on ``text_of(html)`` for the body) and
  ``assess`` with the standard policy;
* **overhead** = polywire − engine alone, per language and in total, as a share of the engine's time. The
  polywire time is also split into its parts (the engine call inside it, mask + restore, gate) so that a change
  in the ratio can be traced to a part.

Then every language at once, one language per task on a thread pool (apertium runs as subprocesses, so threads
use the cores), against the same work in sequence: the parallel speed-up, for the engine alone and for polywire.

One-time process costs (lingua's language models, wordfreq's lists, hunspell's dictionaries) are paid by a
warm-up pass and reported separately: a long-running server pays them once, not per release. Figures are
medians over ``--repeat`` runs; the engine-alone and polywire runs alternate within each repeat so that a burst
of load on the machine hits both. The last line is ``BENCH_JSON {…}`` with every figure.

    .venv/bin/python bench/translate_overhead.py [--repeat N] [--languages es,pt] [--workers N] [--policy P]

Every hunspell answer is forgotten before each polywire run (``lexicon.forget_answers``; the dictionaries stay
loaded), so a repeat costs what a new release with these words would, not a cache hit.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from polywire.config import TranslationSettings
from polywire.localize.checks.base import TranslationPair
from polywire.localize.checks.lexicon import forget_answers
from polywire.localize.commands import text_of
from polywire.localize.engines import EngineChain
from polywire.localize.engines.base import EngineOutput, TranslationEngine
from polywire.localize.engines.configured import configured_chain
from polywire.localize.gate import PRESETS, GatePolicy, Verdict, assess
from polywire.localize.segment import primary_language
from polywire.localize.translate import translate_texts

SOURCE = "en"
TARGET_PERCENT = 25.0

HEADLINE = "Nordlicht Energy and Baltic Grid Partners sign €1.2 billion agreement for 400 MW offshore wind farm"
SUMMARY = (
    "The two companies will build and operate the Aurora Bank wind farm in the Baltic Sea, which is expected to "
    "supply electricity to about 350,000 homes from the end of 2027."
)
# About 600 words of body text (the headline and summary come on top), written for this benchmark: ordinary
# press-release prose with people's and companies' names, amounts, percentages, dates, a URL and an address.
PARAGRAPHS = (
    "Nordlicht Energy, the renewable power producer based in Hamburg, and Baltic Grid Partners, the transmission "
    "operator, signed an agreement on Tuesday to build a wind farm with a capacity of 400 MW off the coast of "
    "Lithuania. The project, called Aurora Bank, will cost about €1.2 billion and is the largest private "
    "investment in the energy sector of the region this year.",
    "Construction of the foundations will begin in the spring of 2026, and the first turbines are expected to "
    "deliver electricity to the grid in the autumn of 2027. When it is complete, the farm will have 27 turbines, "
    "each with a capacity of 15 MW, standing in water between 30 and 45 metres deep about 40 kilometres from the "
    "shore. The electricity will reach the mainland through a new cable of 220 kV and a converter station near "
    "the port of Klaipeda.",
    "“This agreement shows that offshore wind can be built quickly and at a fair price when the grid is planned "
    "together with the farm,” said Anna Lindqvist, the chief executive of Nordlicht Energy. “Our engineers have "
    "worked with the local authorities for three years, and we are proud that the first contracts will go to "
    "companies from the region.”",
    "Tomas Kazlauskas, the managing director of Baltic Grid Partners, said that the new connection would also "
    "make the national network more stable. “The cable is designed to carry power in both directions, so that "
    "the country can import electricity on calm days and export it when the wind is strong,” he said. He added "
    "that the company would invest a further €85 million in substations on land before the end of 2026.",
    "The two partners will share the cost of the project equally. About 60 % of the money will come from a group "
    "of banks led by the Nordic Investment Bank, and the rest from the partners' own funds. The European "
    "Commission approved the financial plan in March, after a review that took eleven months. The partners "
    "expect the farm to produce about 1.6 TWh of electricity every year, enough for about 350,000 homes, and to "
    "avoid the emission of more than 900,000 tonnes of carbon dioxide.",
    "The project will create about 1,200 jobs during construction and 90 permanent jobs in operation and "
    "maintenance. A training centre for technicians will open in Klaipeda next year in cooperation with the "
    "local university, which will offer a new course on the maintenance of wind turbines. Local suppliers will "
    "build the steel towers and the service vessels, and the partners have promised that at least a third of "
    "the value of the contracts will stay in the country.",
    "Environmental groups welcomed the agreement but asked the companies to protect the birds that cross the sea "
    "in spring and autumn. Nordlicht Energy said that the turbines would stop automatically when large flocks "
    "are detected by radar, a system that it already uses at two farms in the North Sea.",
    "The price of electricity from the farm has been fixed for fifteen years under a contract with the "
    "government, at a level that the partners did not disclose. Analysts at Northern Securities estimated that "
    "the project would earn a return of about 7.5 % a year.",
    "Nordlicht Energy operates wind and solar farms with a total capacity of 3.4 GW in six countries and employs "
    "about 2,100 people. Baltic Grid Partners owns and operates more than 5,000 kilometres of high-voltage lines "
    "and serves about two million customers.",
    "More information about the project is available at https://www.nordlicht-energy.example/aurora-bank. "
    "Journalists can send their questions to press@nordlicht-energy.example or call the press office on "
    "weekdays between 9:00 and 17:00.",
)
BODY_HTML = "".join(f"<p>{paragraph}</p>\n" for paragraph in PARAGRAPHS)


@dataclass(frozen=True, slots=True)
class Release:
    """The benchmark release: a plain-text headline and summary, and an HTML body."""

    headline: str
    summary: str
    body_html: str

    def segments(self) -> list[str]:
        """What the release flow hands the engine in one call: escaped headline and summary, then the body."""
        return [html.escape(self.headline, quote=False), html.escape(self.summary, quote=False), self.body_html]

    def words(self) -> int:
        return len(self.headline.split()) + len(self.summary.split()) + len(text_of(self.body_html).split())

    def body_words(self) -> int:
        return len(text_of(self.body_html).split())


RELEASE = Release(HEADLINE, SUMMARY, BODY_HTML)


class TimedEngine(TranslationEngine):
    """Delegates to an engine and adds up the seconds spent inside it (per thread-safe call, returned by `take`)."""

    def __init__(self, inner: TranslationEngine) -> None:
        self.inner = inner
        self.name = inner.name
        self.seconds = 0.0

    def supports(self, source: str, target: str) -> Any:
        return self.inner.supports(source, target)

    def translate_detailed(
        self, segments: Sequence[str], *, source: str, target: str, html: bool
    ) -> list[EngineOutput]:
        started = time.perf_counter()
        try:
            return self.inner.translate_detailed(segments, source=source, target=target, html=html)
        finally:
            self.seconds += time.perf_counter() - started


@dataclass
class Sample:
    """One polywire run for one language: total seconds, its parts, and the verdict."""

    total: float
    engine: float
    mask_restore: float
    gate: float
    verdict: str
    findings: int


def available_targets(chain: EngineChain, source: str = SOURCE) -> dict[str, TranslationEngine]:
    """Every target tag some configured engine can produce from `source` here, with the engine the chain picks."""
    # Any language an engine knows as a target is a candidate, since a pivot may reach it (en → es → pt).
    tags = {target for engine in chain.engines.values() for _, target in engine.known_pairs()}
    found: dict[str, TranslationEngine] = {}
    for tag in sorted(tags, key=lambda t: (primary_language(t), t)):
        if primary_language(tag) == primary_language(source):
            continue
        try:
            found[tag] = chain.choose(source, tag).engine
        except Exception:
            continue
    return found


def engine_alone(engine: TranslationEngine, release: Release, target: str) -> float:
    """Seconds for the engine on the unmasked texts: the floor polywire is compared with."""
    started = time.perf_counter()
    engine.translate_detailed(release.segments(), source=SOURCE, target=target, html=True)
    return time.perf_counter() - started


def polywire_path(engine: TranslationEngine, release: Release, target: str, policy: GatePolicy) -> Sample:
    """The release flow for one language: mask, engine, restore, then the gate on each field."""
    timed = TimedEngine(engine)
    forget_answers()
    started = time.perf_counter()
    headline, summary, body = translate_texts(release.segments(), source=SOURCE, target=target, engine=timed, html=True)
    translated = time.perf_counter()
    fields = (
        (release.headline, html.unescape(headline.text).strip(), headline),
        (release.summary, html.unescape(summary.text).strip(), summary),
        (text_of(release.body_html), text_of(body.text), body),
    )
    verdicts: list[Verdict] = []
    findings = 0
    for source_text, target_text, translation in fields:
        pair = TranslationPair.build(
            source=source_text,
            target=target_text,
            source_lang=SOURCE,
            target_lang=target,
            protected_terms=tuple(p.original for p in translation.protected if p.replacement == p.original),
        )
        assessment = assess(pair, policy)
        verdict = assessment.verdict if translation.restore.ok else Verdict.HOLD
        verdicts.append(verdict)
        findings += len(assessment.findings)
    finished = time.perf_counter()
    worst = max(verdicts, key=[Verdict.PASS, Verdict.WARN, Verdict.HOLD].index)
    return Sample(
        total=finished - started,
        engine=timed.seconds,
        mask_restore=(translated - started) - timed.seconds,
        gate=finished - translated,
        verdict=worst.value,
        findings=findings,
    )


@dataclass
class LanguageFigures:
    """Every measurement for one language over the repeats."""

    engine: list[float] = field(default_factory=list)
    polywire: list[Sample] = field(default_factory=list)

    def medians(self) -> dict[str, Any]:
        engine = statistics.median(self.engine)
        total = statistics.median(s.total for s in self.polywire)
        overhead = total - engine
        own = statistics.median(s.total - s.engine for s in self.polywire)
        return {
            "engine_s": round(engine, 4),
            "polywire_s": round(total, 4),
            "overhead_s": round(overhead, 4),
            "overhead_pct": round(100 * overhead / engine, 1) if engine else None,
            # polywire's own work measured inside its run (total minus its own engine call): the same quantity
            # without the run-to-run noise of the engine, which dominates the difference of two medians.
            "own_s": round(own, 4),
            "own_pct": round(100 * own / engine, 1) if engine else None,
            "engine_in_polywire_s": round(statistics.median(s.engine for s in self.polywire), 4),
            "mask_restore_s": round(statistics.median(s.mask_restore for s in self.polywire), 4),
            "gate_s": round(statistics.median(s.gate for s in self.polywire), 4),
            "verdict": self.polywire[-1].verdict,
            "findings": self.polywire[-1].findings,
        }


def timed_pool(tasks: Sequence[Callable[[], object]], workers: int) -> float:
    """Wall seconds to run every task on a pool of `workers` threads (1: in sequence, in this thread)."""
    started = time.perf_counter()
    if workers <= 1:
        for task in tasks:
            task()
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bench") as pool:
            for future in [pool.submit(task) for task in tasks]:
                future.result()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; medians are reported (5)")
    parser.add_argument("--languages", default="", help="comma-separated targets (default: every one available)")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="threads for the parallel run (default: as the release flow, min(languages, CPUs))",
    )
    parser.add_argument("--policy", default="standard", choices=sorted(PRESETS), help="gate preset (standard)")
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)
    policy = PRESETS[args.policy]

    chain = configured_chain(TranslationSettings())
    targets = available_targets(chain)
    if args.languages:
        wanted = [tag.strip() for tag in args.languages.split(",") if tag.strip()]
        missing = [tag for tag in wanted if tag not in targets]
        if missing:
            print(f"not available from {SOURCE} here: {', '.join(missing)}", file=sys.stderr)
            return 2
        targets = {tag: targets[tag] for tag in wanted}
    if not targets:
        print(f"no engine can translate from {SOURCE} here: see `polywire engines`", file=sys.stderr)
        return 2
    # The release flow (services.localization) runs min(languages, CPUs) threads.
    workers = args.workers or max(1, min(len(targets), os.cpu_count() or 2))
    release = RELEASE
    print(
        f"release: {release.words()} words ({release.body_words()} in the body, {len(PARAGRAPHS)} paragraphs), "
        f"{len(release.body_html):,} characters of HTML"
    )
    print(
        f"targets from {SOURCE}: "
        + ", ".join(
            f"{tag} ({engine.name} {' → '.join(engine.supports(SOURCE, tag).chain)})" for tag, engine in targets.items()
        )
    )
    print(f"cpus: {os.cpu_count()}, repeat: {repeat}, policy: {policy.name}, load average: {os.getloadavg()[0]:.2f}")

    # Warm-up: the first pass pays the process's one-time costs (models, word lists, dictionaries, imports).
    warm: dict[str, dict[str, float]] = {}
    warm_started = time.perf_counter()
    for tag, engine in targets.items():
        cold_engine = engine_alone(engine, release, tag)
        cold = polywire_path(engine, release, tag, policy)
        warm[tag] = {"engine_s": cold_engine, "polywire_s": cold.total, "gate_s": cold.gate}
    warm_seconds = time.perf_counter() - warm_started

    # Per language, in sequence: engine alone and polywire, alternating which goes first.
    figures = {tag: LanguageFigures() for tag in targets}
    for run in range(repeat):
        for tag, engine in targets.items():
            if run % 2 == 0:
                figures[tag].engine.append(engine_alone(engine, release, tag))
                figures[tag].polywire.append(polywire_path(engine, release, tag, policy))
            else:
                figures[tag].polywire.append(polywire_path(engine, release, tag, policy))
                figures[tag].engine.append(engine_alone(engine, release, tag))

    # Every language at once against the same work in sequence, for the engine alone and for polywire.
    def engine_tasks() -> list[Callable[[], object]]:
        return [partial(engine_alone, engine, release, tag) for tag, engine in targets.items()]

    def polywire_tasks() -> list[Callable[[], object]]:
        return [partial(polywire_path, engine, release, tag, policy) for tag, engine in targets.items()]

    walls: dict[str, list[float]] = {"engine_seq": [], "engine_par": [], "polywire_seq": [], "polywire_par": []}
    for run in range(repeat):
        order = ("seq", "par") if run % 2 == 0 else ("par", "seq")
        for mode in order:
            n = 1 if mode == "seq" else workers
            walls[f"engine_{mode}"].append(timed_pool(engine_tasks(), n))
            walls[f"polywire_{mode}"].append(timed_pool(polywire_tasks(), n))
    wall = {key: round(statistics.median(values), 4) for key, values in walls.items()}

    per_language = {tag: figures[tag].medians() for tag in targets}
    engine_total = sum(row["engine_s"] for row in per_language.values())
    polywire_total = sum(row["polywire_s"] for row in per_language.values())
    overhead_total = polywire_total - engine_total
    overhead_pct = 100 * overhead_total / engine_total if engine_total else 0.0
    own_total = sum(row["own_s"] for row in per_language.values())
    own_pct = 100 * own_total / engine_total if engine_total else 0.0
    warm_overhead = sum(w["polywire_s"] - w["engine_s"] for w in warm.values())
    one_time = warm_overhead - overhead_total

    print()
    header = (
        f"{'language':<12} {'engine s':>8} {'polywire s':>10} {'overhead s':>10} {'overhead':>8} │ "
        f"{'own s':>6} {'own':>6} {'mask+restore':>12} {'gate':>6} {'engine in pw':>12} │ verdict"
    )
    print(header)
    for tag, row in per_language.items():
        print(
            f"{tag:<12} {row['engine_s']:>8.3f} {row['polywire_s']:>10.3f} {row['overhead_s']:>10.3f} "
            f"{row['overhead_pct']:>7.1f}% │ {row['own_s']:>6.3f} {row['own_pct']:>5.1f}% "
            f"{row['mask_restore_s']:>12.3f} {row['gate_s']:>6.3f} {row['engine_in_polywire_s']:>12.3f} │ "
            f"{row['verdict']} ({row['findings']} findings)"
        )
    print(
        f"{'total':<12} {engine_total:>8.3f} {polywire_total:>10.3f} {overhead_total:>10.3f} {overhead_pct:>7.1f}% │ "
        f"{own_total:>6.3f} {own_pct:>5.1f}%"
    )
    print(
        f"overhead target < {TARGET_PERCENT:.0f} % of the engine time: "
        f"{'met' if overhead_pct < TARGET_PERCENT else 'NOT met'} (polywire − engine alone: {overhead_pct:.1f} %; "
        f"own work measured inside polywire's run: {own_pct:.1f} %)"
    )
    print()
    print(
        f"one-time warm-up (first pass over {len(targets)} languages): {warm_seconds:.2f} s, of which "
        f"{one_time:.2f} s is polywire's one-time cost (models, word lists, dictionaries); not counted above"
    )
    engine_speedup = wall["engine_seq"] / wall["engine_par"] if wall["engine_par"] else 0.0
    polywire_speedup = wall["polywire_seq"] / wall["polywire_par"] if wall["polywire_par"] else 0.0
    print(
        f"all {len(targets)} languages, wall seconds (median of {repeat}), {workers} threads vs in sequence:\n"
        f"  engine alone: {wall['engine_seq']:.3f} s sequential, {wall['engine_par']:.3f} s parallel "
        f"(× {engine_speedup:.2f})\n"
        f"  polywire:     {wall['polywire_seq']:.3f} s sequential, {wall['polywire_par']:.3f} s parallel "
        f"(× {polywire_speedup:.2f}); parallel overhead "
        f"{100 * (wall['polywire_par'] - wall['engine_par']) / wall['engine_par']:.1f}% of the parallel engine time"
    )
    report = {
        "source": SOURCE,
        "words": release.words(),
        "body_words": release.body_words(),
        "targets": list(targets),
        "repeat": repeat,
        "policy": policy.name,
        "cpus": os.cpu_count(),
        "workers": workers,
        "per_language": per_language,
        "total": {
            "engine_s": round(engine_total, 4),
            "polywire_s": round(polywire_total, 4),
            "overhead_s": round(overhead_total, 4),
            "overhead_pct": round(overhead_pct, 1),
            "own_s": round(own_total, 4),
            "own_pct": round(own_pct, 1),
            "target_pct": TARGET_PERCENT,
            "met": overhead_pct < TARGET_PERCENT,
        },
        "warm_up": {
            "seconds": round(warm_seconds, 3),
            "one_time_overhead_s": round(one_time, 3),
            "first_pass": {tag: {k: round(v, 4) for k, v in w.items()} for tag, w in warm.items()},
        },
        "wall": {
            **wall,
            "engine_speedup": round(engine_speedup, 2),
            "polywire_speedup": round(polywire_speedup, 2),
        },
        "loadavg_1m_at_end": round(os.getloadavg()[0], 2),
    }
    print("BENCH_JSON " + json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
