"""The blind quality-gate sets in tests/data/qa_blind*/ are well formed. This checks its structure only, never the
gate's score on it (that is bench/qa_gate_blind.py's job, and the set must not be tuned against)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[2] / "data"
# Each set and the least it holds: (sources, human references).
SETS = {
    "qa_blind": (40, 40),
    "qa_blind2": (30, 20),
    "qa_blind3": (30, 20),
    "qa_blind4": (30, 12),
    "qa_blind5": (30, 12),
    "qa_blind6": (30, 24),
    "qa_blind7": (30, 24),
    "qa_blind8": (30, 24),
    "qa_blind9": (30, 32),
    "qa_blind10": (30, 32),
    "qa_blind11": (30, 32),
    "qa_blind12": (30, 32),
}


@pytest.fixture(scope="module", params=sorted(SETS))
def set_dir(request: pytest.FixtureRequest) -> Path:
    return DATA / str(request.param)


def _jsonl(set_dir: Path, name: str) -> list[dict[str, Any]]:
    with (set_dir / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="module")
def vocabulary(set_dir: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((set_dir / "vocabulary.json").read_text(encoding="utf-8"))
    return result


@pytest.fixture(scope="module")
def sources(set_dir: Path) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in _jsonl(set_dir, "sources.jsonl")}


@pytest.fixture(scope="module")
def translations(set_dir: Path) -> list[dict[str, Any]]:
    return _jsonl(set_dir, "machine.jsonl") + _jsonl(set_dir, "human.jsonl")


@pytest.fixture(scope="module")
def labels(set_dir: Path) -> dict[str, dict[str, Any]]:
    rows = _jsonl(set_dir, "labels.jsonl")
    assert len(rows) == len({row["id"] for row in rows}), "duplicate label ids"
    return {row["id"]: row for row in rows}


def test_sources_are_english_paragraphs_of_the_agreed_size(sources: dict[str, dict[str, Any]], set_dir: Path) -> None:
    assert len(sources) >= SETS[set_dir.name][0]
    for row in sources.values():
        assert row["lang"] == "en"
        assert 30 <= len(row["text"].split()) <= 90, row["id"]


def test_every_translation_has_a_known_source_language_and_origin(
    translations: list[dict[str, Any]], sources: dict[str, dict[str, Any]], vocabulary: dict[str, Any]
) -> None:
    ids = [row["id"] for row in translations]
    assert len(ids) == len(set(ids)), "duplicate translation ids"
    for row in translations:
        assert row["source_id"] in sources, row["id"]
        assert row["src_lang"] == "en"
        assert row["tgt_lang"] in vocabulary["target_languages"], row["id"]
        assert row["origin"] in vocabulary["origins"], row["id"]
        assert isinstance(row["target"], str)
        assert all(isinstance(term, str) for term in row["protected_terms"])
        for start, end in row["unknown_spans"]:
            assert 0 <= start < end <= len(row["target"]), row["id"]
        if row["origin"] == "machine":
            assert row["engine"] == "apertium" and row["chain"][0] == "en" and row["chain"][-1] == row["tgt_lang"]


def test_both_origins_are_present_in_every_language(
    translations: list[dict[str, Any]], vocabulary: dict[str, Any]
) -> None:
    for origin in vocabulary["origins"]:
        languages = {row["tgt_lang"] for row in translations if row["origin"] == origin}
        assert languages == set(vocabulary["target_languages"]), origin


def test_every_translation_is_labelled_and_every_label_has_a_translation(
    translations: list[dict[str, Any]], labels: dict[str, dict[str, Any]]
) -> None:
    assert {row["id"] for row in translations} == set(labels)


def test_labels_use_the_vocabulary_and_point_at_the_target(
    translations: list[dict[str, Any]], labels: dict[str, dict[str, Any]], vocabulary: dict[str, Any]
) -> None:
    targets = {row["id"]: row["target"] for row in translations}
    for label_id, label in labels.items():
        assert label["label"] in vocabulary["labels"], label_id
        assert isinstance(label["note"], str)
        assert (label["label"] == "defective") == bool(label["defects"]), label_id
        for defect in label["defects"]:
            assert defect["type"] in vocabulary["defect_types"], (label_id, defect["type"])
            assert defect["detail"] is None or defect["detail"] in vocabulary["details"], (label_id, defect)
            assert targets[label_id][defect["start"] : defect["end"]] == defect["span"], (label_id, defect)
            assert isinstance(defect["note"], str)


def test_human_references_are_labelled_clean(
    translations: list[dict[str, Any]], labels: dict[str, dict[str, Any]], set_dir: Path
) -> None:
    human = [row["id"] for row in translations if row["origin"] == "human"]
    assert len(human) >= SETS[set_dir.name][1]
    assert all(labels[row_id]["label"] == "clean" for row_id in human)
