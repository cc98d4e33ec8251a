"""Translate a blind set's English sources with the configured engine (apertium) and store the output.

This does what ``polywire translate --from en --to LANG FILE`` does (``polywire.localize.commands.run_translate``:
choose the engine from the settings, mask names and terms, translate, restore) and keeps what the gate would be
given (the text, the protected terms that must come back verbatim, the engine's unknown-word spans), but it does
NOT run the quality gate: the set is labelled by a person before the gate ever sees it.

    .venv/bin/python tests/data/translate_blind_set.py tests/data/qa_blindN [--languages es,ca,pt,fr]

Every set under tests/data/qa_blind*/ was made with this script (each once had its own copy). Writes
``machine.jsonl`` into the set's directory, one translation per line (ids ``s01-es`` …). Re-running it overwrites
the file, which would invalidate the labels: do not, unless the set is rebuilt and relabelled from scratch.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from polywire.config import Settings
from polywire.localize.engines.configured import configured_chain
from polywire.localize.translate import translate_text


def load_sources(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def translate_one(source: dict[str, Any], target_lang: str, settings: Settings) -> dict[str, Any]:
    """One source into one language, as ``polywire translate`` would, without the gate."""
    choice = configured_chain(settings.translation).choose(source["lang"], target_lang)
    translation = translate_text(source["text"], source=source["lang"], target=target_lang, engine=choice.engine)
    return {
        "id": f"{source['id']}-{target_lang}",
        "source_id": source["id"],
        "src_lang": source["lang"],
        "tgt_lang": target_lang,
        "origin": "machine",
        "engine": translation.engine,
        "chain": list(translation.chain),
        "target": translation.text,
        # The same terms run_translate hands the gate: those restored verbatim after masking.
        "protected_terms": [p.original for p in translation.protected if p.replacement == p.original],
        "unknown_spans": [[u.start, u.end] for u in translation.unknown_words],
        "restore_ok": translation.restore.ok,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("set_dir", type=Path, help="the set's directory, holding sources.jsonl")
    parser.add_argument("--languages", default="es,ca,pt,fr")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    sources = load_sources(args.set_dir / "sources.jsonl")
    machine = args.set_dir / "machine.jsonl"
    rows = [translate_one(s, lang, settings) for lang in args.languages.split(",") for s in sources]
    with machine.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} translations written to {machine}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
