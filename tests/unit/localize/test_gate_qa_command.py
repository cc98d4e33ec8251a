"""``polywire qa`` as a process: JSON on stdout and the exit status that says whether the copy may go out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def qa(tmp_path: Path, source: str, target: str, *extra: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "source.txt").write_text(source, encoding="utf-8")
    (tmp_path / "target.txt").write_text(target, encoding="utf-8")
    command = [sys.executable, "-m", "polywire.cli", "qa", "--src", "en", "--tgt", "de", *extra]
    return subprocess.run(
        [*command, str(tmp_path / "source.txt"), str(tmp_path / "target.txt")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


SOURCE = "Acme opens a plant in Leipzig. It will employ 400 people.\n"


def test_a_good_translation_prints_pass_and_exits_zero(tmp_path: Path) -> None:
    """A faithful translation: verdict pass, exit status 0."""
    done = qa(tmp_path, SOURCE, "Acme eröffnet ein Werk in Leipzig. Es wird 400 Menschen beschäftigen.\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"verdict": "pass", "findings": []}


def test_a_broken_translation_prints_hold_findings_and_exits_three(tmp_path: Path) -> None:
    """A changed number and a lost subject: verdict hold with both findings, exit status 3."""
    done = qa(tmp_path, SOURCE, "Acme eröffnet ein Werk in Leipzig. wird 500 Menschen beschäftigen.\n")
    assert done.returncode == 3, done.stderr
    answer = json.loads(done.stdout)
    assert answer["verdict"] == "hold"
    assert {f["check"] for f in answer["findings"]} >= {"numbers", "mid_clause"}


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    """An unreadable input exits with status 2 and a message on stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "polywire.cli", "qa", "--src", "en", "--tgt", "de", "/nonexistent", "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "cannot read" in done.stderr
