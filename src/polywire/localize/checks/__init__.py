"""Quality checks for translations, one per module, and the registry that turns a chain of names into checks.

A chain is data: an ordered tuple of check names. Each name is a module of this package that exposes
``check``, an object with that ``name`` and ``run(pair) -> list[Finding]``. Adding a check means adding a
module and putting its name in a chain; nothing else changes.
"""

from __future__ import annotations

import importlib
from functools import cache

from polywire.localize.checks.base import Check, Finding, Severity, TranslationPair

DEFAULT_CHAIN: tuple[str, ...] = (
    "truncation",
    "unknown_marks",
    "wrong_language",
    "chinese_script",
    "source_words",
    "protected_names",
    "numbers",
    "sentence_alignment",
    "mid_clause",
    "repetition",
    "oov_rate",
)


class UnknownCheck(LookupError):
    """A chain names a check that has no module."""


@cache
def load_check(name: str) -> Check:
    """The check called ``name``, from the module of the same name in this package."""
    if not name.isidentifier():
        raise UnknownCheck(name)
    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        raise UnknownCheck(name) from exc
    found: Check | None = getattr(module, "check", None)
    if found is None or found.name != name:
        raise UnknownCheck(name)
    return found


__all__ = ["DEFAULT_CHAIN", "Check", "Finding", "Severity", "TranslationPair", "UnknownCheck", "load_check"]
