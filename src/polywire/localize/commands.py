"""The localisation commands: ``polywire engines`` (who can translate what here, and why not) and
``polywire translate`` (translate a file with protected terms, then run the quality gate on the result).

``polywire qa`` lives in ``qa_command``; all three are registered by ``polywire.cli``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import nh3

from polywire.config import Settings
from polywire.localize.checks.base import TranslationPair
from polywire.localize.engines import describe_engines
from polywire.localize.engines.base import EngineError
from polywire.localize.engines.configured import configured_chain, configured_engines
from polywire.localize.gate import PRESETS, Verdict, assess
from polywire.localize.qa_command import EXIT_HELD, EXIT_OUT, EXIT_USAGE
from polywire.localize.translate import masked_names, translate_text

_BLOCK_END = re.compile(r"(?i)</(p|div|h[1-6]|li|blockquote|tr)>|<br\s*/?>")


def text_of(html: str) -> str:
    """The readable text of sanitised HTML, one block per line: the form the quality checks read."""
    with_breaks = _BLOCK_END.sub("\n", html)
    return str(nh3.clean(with_breaks, tags=set())).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def _pair(value: str) -> tuple[str, str]:
    source, sep, target = value.partition(":")
    if not sep or not source or not target:
        raise argparse.ArgumentTypeError(f"{value!r} is not SOURCE:TARGET, e.g. en:pt")
    return source, target


def add_localize_commands(subparsers: Any) -> None:
    engines = subparsers.add_parser("engines", help="list which engine can translate which pair here, and why not")
    engines.add_argument("--pair", action="append", type=_pair, default=[], metavar="SRC:TGT", help="ask about a pair")
    engines.add_argument("--json", action="store_true", help="one JSON object per line")
    engines.set_defaults(handler=run_engines)

    translate = subparsers.add_parser("translate", help="translate a file and check the result with the gate")
    translate.add_argument("--from", dest="source_lang", required=True, help="source language (BCP 47)")
    translate.add_argument("--to", dest="target_lang", required=True, help="target language (BCP 47)")
    translate.add_argument("--protect", action="append", default=[], metavar="TERM", help="never translate TERM")
    translate.add_argument("--policy", default="standard", choices=sorted(PRESETS), help="gate preset")
    translate.add_argument("--html", action="store_true", help="the file is HTML (default: by .html/.htm suffix)")
    translate.add_argument("file", help="the text or HTML file, or - for standard input")
    translate.set_defaults(handler=run_translate)


def run_engines(args: argparse.Namespace, settings: Settings) -> int:
    rows = describe_engines(configured_engines(settings.translation).values(), args.pair)
    for row in rows:
        if args.json:
            print(json.dumps(_row(row), ensure_ascii=False))
        else:
            state = "yes" if row.available else "no "
            print(f"{row.engine:<15} {row.source:>6} → {row.target:<8} {state} {row.reason}")
    return 0


def _row(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in ("engine", "source", "target", "available", "reason")}


def run_translate(args: argparse.Namespace, settings: Settings) -> int:
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"polywire translate: cannot read {args.file}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    html = args.html or args.file.lower().endswith((".html", ".htm"))
    try:
        choice = configured_chain(settings.translation).choose(args.source_lang, args.target_lang)
        translation = translate_text(
            text,
            source=args.source_lang,
            target=args.target_lang,
            engine=choice.engine,
            protected_terms=args.protect,
            html=html,
        )
    except EngineError as exc:
        print(f"polywire translate: {exc}", file=sys.stderr)
        return EXIT_USAGE
    source_text, target_text = (text_of(text), text_of(translation.text)) if html else (text, translation.text)
    pair = TranslationPair.build(
        source=source_text,
        target=target_text,
        source_lang=args.source_lang,
        target_lang=args.target_lang,
        # Terms that must come back verbatim (not glossary terms, which are meant to change).
        protected_terms=tuple(args.protect)
        + tuple(p.original for p in translation.protected if p.replacement == p.original),
        masked_names=masked_names(translation, args.protect),
        # Engine marks point into the translated text; in HTML mode the gate reads the text without tags, where
        # the marks themselves are still visible to the unknown-marks check.
        unknown_spans=() if html else tuple((u.start, u.end) for u in translation.unknown_words),
    )
    assessment = assess(pair, PRESETS[args.policy])
    result = {
        "language": args.target_lang,
        "engine": translation.engine,
        "chain": list(translation.chain),
        "text": translation.text,
        **assessment.as_json(),
    }
    if not translation.restore.ok:
        result["restore"] = {
            "missing": [p.original for p in translation.restore.missing],
            "duplicated": [p.original for p in translation.restore.duplicated],
        }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return EXIT_HELD if assessment.verdict is Verdict.HOLD else EXIT_OUT
