"""Localisation inside the flow: a 600-word release to outlets reading every language available, end to end.

bench/translate_overhead.py measures polywire's translation work in one process; this one measures it where it
happens, in `polywire serve`, and checks the issue's promise that "translation and checks run when the release is
submitted, well before the embargo, so the instant stays fast". Every process runs on 127.0.0.1.

Setup: the loopback receiver (bench/loopback.py), `polywire serve` on a fresh SQLite directory with the default
engines (apertium), and N outlet subscribers spread evenly over English and every language an engine here can
produce from English; each reads its language, then English.

Per repeat, one after the other:

* **original only**: the release submitted with ``"target_languages": []``: every outlet gets the English copy.
  This is the baseline: the same server, subscribers, body and embargo lead, with no translation at all;
* **localised**: the same release with the default languages, i.e. those the subscribers read. Submit translates
  and gates them in parallel before it answers; every outlet then gets its own language (or English where its
  language is held for a person, which the localizations list shows);
  With ``--no-glossary`` the publisher has no glossary for the words apertium lacks, and the gate holds them;
* **engine alone**: in this process, the same engine calls the release flow makes (headline, summary, body in one
  call per language), every language at once on the same number of threads: the floor for the translation part
  of submit.

Figures: submit latency of both (the localised one minus the baseline is what localisation adds to a submit, next
to the engine alone), and for both, the first and last webhook after the embargo instant (the instant should not
get slower because the copies are in several languages), plus the copies per language from the delivery report.
The last line is ``BENCH_JSON {…}``.

    .venv/bin/python bench/localized_fanout.py [--subscribers 700] [--repeat 3] [--lead 30]
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loopback import ReceiverHandle, exit_on_signal, stop_all
from polywire.config import TranslationSettings
from polywire.localize.engines.configured import configured_chain
from translate_overhead import RELEASE, SOURCE, available_targets
from webhook_fanout import DEFAULT_CONCURRENCY, Polywire


def _rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def import_subscribers(polywire: Polywire, receiver: ReceiverHandle, count: int, languages: Sequence[str]) -> None:
    source = polywire.data_dir / "subscribers.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for i in range(count):
            language = languages[i % len(languages)]
            reads = [language] if language == SOURCE else [language, SOURCE]
            line = {
                "name": f"Outlet {i} ({language})",
                "kind": "outlet",
                "languages": reads,
                "endpoints": [{"type": "webhook", "url": receiver.url(f"/outlet/{language}/{i}")}],
            }
            out.write(json.dumps(line) + "\n")
    polywire.cli("subscribers", "import", str(source))


def run_release(
    polywire: Polywire, receiver: ReceiverHandle, key: str, count: int, *, localised: bool, lead: float, timeout: float
) -> dict[str, Any]:
    receiver.reset()
    instant = round(time.time() + lead, 3)
    body: dict[str, Any] = {
        "headline": RELEASE.headline,
        "summary": RELEASE.summary,
        "body_html": RELEASE.body_html,
        "language": SOURCE,
        "categories": ["economy"],
        "embargo_until": _rfc3339(instant),
    }
    if not localised:
        body["target_languages"] = []
    started = time.time()
    response = polywire.request("POST", "/v1/releases", key, json=body)
    submitted = time.time()
    if response.status_code != 201:
        raise RuntimeError(f"submit failed: {response.status_code} {response.text}")
    if submitted >= instant:
        raise RuntimeError(f"submit took {submitted - started:.1f} s, past the embargo instant: raise --lead")
    release_id = response.json()["id"]
    if receiver.stats()["count"]:
        raise RuntimeError("webhooks arrived before the embargo instant")
    localizations = polywire.request("GET", f"/v1/releases/{release_id}/localizations", key).json()["items"]
    stats = receiver.wait_for(count, timeout=instant - time.time() + timeout)
    deadline = time.monotonic() + timeout
    while True:
        report = polywire.request("GET", f"/v1/releases/{release_id}/deliveries", key).json()
        if report["summary"].get("delivered", 0) >= count:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"the report shows {report['summary']} after {timeout:.0f} s")
        time.sleep(0.05)
    copies = Counter(item["language"] for item in report["items"])
    return {
        "release_id": release_id,
        "submit_seconds": submitted - started,
        "first_arrival": stats["first_at"] - instant,
        "last_arrival": stats["last_at"] - instant,
        "last_delivered_at": max(_epoch(i["delivered_at"]) for i in report["items"] if i["delivered_at"]) - instant,
        "verdicts": {item["language"]: item["verdict"] for item in localizations},
        "copies": dict(sorted(copies.items())),
    }


# The publisher's terminology for the words apertium's dictionaries lack in this release (it leaves them in
# English, and the gate rightly holds the language): with it, the translations pass and every outlet gets its own
# language, which is the delivery this benchmark is about. --no-glossary shows the gate holding them instead.
GLOSSARIES = {
    "es": {"mainland": "continente", "substations": "subestaciones", "weekdays": "días laborables"},
    "ca": {"mainland": "continent", "substations": "subestacions", "weekdays": "dies feiners", "offshore": "marí"},
    "pt": {"mainland": "continente", "substations": "subestações", "weekdays": "dias úteis"},
    "fr": {"mainland": "continent", "substations": "sous-stations", "weekdays": "jours ouvrables"},
}


def create_glossaries(polywire: Polywire, key: str) -> None:
    for target, terms in GLOSSARIES.items():
        response = polywire.request(
            "POST",
            "/v1/glossaries",
            key,
            json={
                "name": f"Energy {target}",
                "source_language": SOURCE,
                "target_language": target,
                "entries": [{"source": source, "target": translation} for source, translation in terms.items()],
            },
        )
        if response.status_code != 201:
            raise RuntimeError(f"glossary for {target} refused: {response.status_code} {response.text}")


def engine_alone(targets: dict[str, Any], workers: int) -> float:
    """Seconds for the engine calls of every language at once, as the release flow batches them."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [
            pool.submit(engine.translate_detailed, RELEASE.segments(), source=SOURCE, target=tag, html=True)
            for tag, engine in targets.items()
        ]
        for future in futures:
            future.result()
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--subscribers", type=int, default=700, help="outlet webhooks, spread over the languages")
    parser.add_argument("--repeat", type=int, default=3, help="pairs of releases (3)")
    parser.add_argument("--lead", type=float, default=30.0, help="seconds from submit to the embargo instant (30)")
    parser.add_argument("--timeout", type=float, default=120.0, help="bound on every wait, in seconds (120)")
    parser.add_argument("--no-glossary", action="store_true", help="leave out the publisher's glossaries")
    args = parser.parse_args(argv)

    targets = available_targets(configured_chain(TranslationSettings()))
    if not targets:
        print(f"no engine can translate from {SOURCE} here: see `polywire engines`", file=sys.stderr)
        return 2
    languages = [SOURCE, *targets]
    workers = max(1, min(len(targets), os.cpu_count() or 2))  # as services.localization does
    print(
        f"release: {RELEASE.words()} words; {args.subscribers} outlets reading {', '.join(languages)}; "
        f"{os.cpu_count()} CPUs, {workers} translation threads"
    )

    signal.signal(signal.SIGTERM, exit_on_signal)
    atexit.register(stop_all)
    data_dir = Path(tempfile.mkdtemp(prefix="polywire-bench-"))
    receiver: ReceiverHandle | None = None
    polywire: Polywire | None = None
    try:
        receiver = ReceiverHandle()
        polywire = Polywire(data_dir, concurrency=DEFAULT_CONCURRENCY, extra_env={})
        key = polywire.create_key("publisher", "bench-press", "--org", "Bench")
        import_subscribers(polywire, receiver, args.subscribers, languages)
        polywire.start(timeout=args.timeout)
        if not args.no_glossary:
            create_glossaries(polywire, key)
        engine_alone(targets, workers)  # warm-up: the first apertium calls load their pairs from disk
        runs: list[dict[str, Any]] = []
        for number in range(1, args.repeat + 1):
            original = run_release(
                polywire, receiver, key, args.subscribers, localised=False, lead=args.lead, timeout=args.timeout
            )
            localised = run_release(
                polywire, receiver, key, args.subscribers, localised=True, lead=args.lead, timeout=args.timeout
            )
            engine = engine_alone(targets, workers)
            added = localised["submit_seconds"] - original["submit_seconds"]
            print(f"run {number}/{args.repeat}:")
            print(
                f"  submit: original only {original['submit_seconds']:.2f} s, localised "
                f"{localised['submit_seconds']:.2f} s (+{added:.2f} s); engine alone, all languages at once "
                f"{engine:.2f} s → localisation in submit costs {added / engine:.2f} × the engine's time"
            )
            for name, run in (("original only", original), ("localised", localised)):
                print(
                    f"  {name:13s}: first webhook {run['first_arrival'] * 1000:.0f} ms, last "
                    f"{run['last_arrival'] * 1000:.0f} ms after the instant; copies {run['copies']}"
                )
            print(f"  verdicts: {localised['verdicts']}")
            runs.append({"original": original, "localised": localised, "engine_alone": engine, "added": added})

        def median(path: tuple[str, str]) -> float:
            return statistics.median(run[path[0]][path[1]] for run in runs)

        result = {
            "bench": "localized_fanout",
            "subscribers": args.subscribers,
            "languages": languages,
            "cpus": os.cpu_count(),
            "loadavg_1m_at_end": os.getloadavg()[0],
            "median_submit_original": median(("original", "submit_seconds")),
            "median_submit_localised": median(("localised", "submit_seconds")),
            "median_engine_alone": statistics.median(run["engine_alone"] for run in runs),
            "median_added_over_engine": statistics.median(run["added"] / run["engine_alone"] for run in runs),
            "median_last_arrival_original": median(("original", "last_arrival")),
            "median_last_arrival_localised": median(("localised", "last_arrival")),
            "median_first_arrival_original": median(("original", "first_arrival")),
            "median_first_arrival_localised": median(("localised", "first_arrival")),
            "runs": runs,
        }
        print(
            f"summary: submit {result['median_submit_original']:.2f} s → {result['median_submit_localised']:.2f} s "
            f"with {len(targets)} languages (engine alone {result['median_engine_alone']:.2f} s; added/engine "
            f"{result['median_added_over_engine']:.2f}); last webhook after the instant "
            f"{result['median_last_arrival_original'] * 1000:.0f} ms original only vs "
            f"{result['median_last_arrival_localised'] * 1000:.0f} ms localised"
        )
        print("BENCH_JSON " + json.dumps(result, sort_keys=True))
        return 0
    finally:
        if polywire is not None:
            polywire.stop()
        if receiver is not None:
            receiver.close()
        stop_all()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
