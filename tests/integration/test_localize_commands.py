"""``polywire engines`` and ``polywire translate`` as processes, on the real apertium installation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from polywire.localize import ApertiumEngine
from tests.conftest import missing


def polywire(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "polywire.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module", autouse=True)
def _apertium_pairs() -> None:
    engine = ApertiumEngine()
    for source, target in [("en", "es"), ("en", "pt")]:
        availability = engine.supports(source, target)
        if not availability:
            missing(f"apertium cannot translate {source}→{target}: {availability.reason}")


def test_engines_lists_what_can_translate_and_why_not() -> None:
    """`polywire engines` says en→pt works through a pivot and en→de does not, with the reason."""
    done = polywire("engines", "--json", "--pair", "en:pt", "--pair", "en:de")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    by_pair = {(r["engine"], r["source"], r["target"]): r for r in rows}
    assert by_pair[("apertium", "en", "pt")]["available"] is True
    assert "eng-spa" in by_pair[("apertium", "en", "pt")]["reason"]
    refused = by_pair[("apertium", "en", "de")]
    assert refused["available"] is False and "en→de" in refused["reason"]


def test_engines_reports_an_http_engine_only_when_configured() -> None:
    """DeepL appears in the list once its key is set, and not before."""
    without = polywire("engines", "--json", "--pair", "en:de")
    assert all(json.loads(line)["engine"] != "deepl" for line in without.stdout.splitlines())
    with_key = polywire("engines", "--json", "--pair", "en:de", env={"POLYWIRE_DEEPL_API_KEY": "k:fx"})
    assert any(json.loads(line)["engine"] == "deepl" for line in with_key.stdout.splitlines())


def test_translate_prints_the_translation_with_its_verdict(tmp_path: Path) -> None:
    """A release translated en→pt through the es pivot: protected terms intact, chain and findings reported."""
    release = tmp_path / "release.txt"
    release.write_text(
        "Siemens Energy opens a new office in Lisbon. The company employs many engineers.\n", encoding="utf-8"
    )
    done = polywire("translate", "--from", "en", "--to", "pt", "--protect", "Siemens Energy", str(release))
    assert done.returncode in (0, 3), done.stderr
    answer = json.loads(done.stdout)
    assert answer["engine"] == "apertium"
    assert answer["chain"] == ["en", "es", "pt"]
    assert "Siemens Energy" in answer["text"]
    assert "Lisbon" not in answer["text"]  # translated, not left in English
    assert answer["verdict"] in ("pass", "warn", "hold")
    assert (done.returncode == 3) == (answer["verdict"] == "hold")


def test_translate_holds_a_translation_that_leaves_english_in(tmp_path: Path) -> None:
    """Words apertium does not know ("substations", "mainland") come back in English, and the gate holds the
    translation (exit 3); the amount beside them comes back in Spanish notation and is no reason to hold."""
    release = tmp_path / "release.txt"
    release.write_text(
        "The company will spend €1.2 billion on new substations on the mainland next year.\n", encoding="utf-8"
    )
    done = polywire("translate", "--from", "en", "--to", "es", str(release))
    assert done.returncode == 3, done.stdout + done.stderr
    answer = json.loads(done.stdout)
    assert answer["verdict"] == "hold"
    assert "1,2 mil millones\u00a0€" in answer["text"]
    holding = [f for f in answer["findings"] if f["severity"] == "hold"]
    assert holding and {f["check"] for f in holding} == {"source_words"}, answer["findings"]


def test_translate_refuses_a_pair_no_engine_has(tmp_path: Path) -> None:
    """Asking for a pair no engine can do fails with every engine's reason, not a traceback."""
    release = tmp_path / "release.txt"
    release.write_text("Hello.\n", encoding="utf-8")
    done = polywire("translate", "--from", "en", "--to", "ja", str(release))
    assert done.returncode == 2
    assert "no engine can translate en→ja" in done.stderr
    assert "Traceback" not in done.stderr
