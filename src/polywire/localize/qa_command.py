"""``polywire qa``: run the quality gate on any translation, ours or not, and print the verdict as JSON.

    polywire qa --src LANG --tgt LANG [--policy standard|strict|lenient] [--protect TERM ...] SOURCE TARGET

Prints ``{"verdict": ..., "findings": [{"check", "severity", "message", "start", "end"}]}`` on one line
(offsets are characters of the target file's text). Exit codes let scripts branch without parsing: 0 when the
translation may go out (pass or warn: a warned copy is delivered, its findings are in the report), 3 when it is
held, 2 for usage and file errors. ``-`` reads a file from standard input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from polywire.localize.checks.base import TranslationPair
from polywire.localize.gate import PRESETS, Verdict, assess

EXIT_OUT = 0
EXIT_USAGE = 2
EXIT_HELD = 3


def add_qa_command(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``qa`` on the CLI's sub-command parsers (the result of ``add_subparsers``)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "qa",
        help="check a translation with the quality gate and print the verdict and findings as JSON",
        description="Exit status: 0 pass or warn (the copy may go out), 3 hold, 2 usage or file error.",
    )
    parser.add_argument("--src", required=True, help="source language (BCP 47)")
    parser.add_argument("--tgt", required=True, help="target language (BCP 47), e.g. de, zh-Hant, pt-BR")
    parser.add_argument("--policy", default="standard", choices=sorted(PRESETS), help="gate preset")
    parser.add_argument("--protect", action="append", default=[], metavar="TERM", help="a protected term (repeat)")
    parser.add_argument("source", help="the source text file, or - for standard input")
    parser.add_argument("target", help="the translated text file, or - for standard input")
    parser.set_defaults(handler=run_qa)
    return parser


def _read(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    return Path(name).read_text(encoding="utf-8")


def run_qa(args: argparse.Namespace, settings: object = None) -> int:
    """Handle ``polywire qa``; ``settings`` is accepted for the CLI's handler signature and not needed."""
    if args.source == "-" and args.target == "-":
        print("polywire qa: only one of SOURCE and TARGET can be standard input", file=sys.stderr)
        return EXIT_USAGE
    try:
        source = _read(args.source)
        target = _read(args.target)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"polywire qa: cannot read input: {exc}", file=sys.stderr)
        return EXIT_USAGE
    pair = TranslationPair.build(
        source=source,
        target=target,
        source_lang=args.src,
        target_lang=args.tgt,
        protected_terms=tuple(args.protect),
    )
    assessment = assess(pair, PRESETS[args.policy])
    print(json.dumps(assessment.as_json(), ensure_ascii=False))
    return EXIT_HELD if assessment.verdict is Verdict.HOLD else EXIT_OUT
