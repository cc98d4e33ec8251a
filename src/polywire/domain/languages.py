"""BCP 47 language-tag matching for routing.

A subscriber that reads ``de`` takes releases in ``de-DE`` and ``de-CH``; a subscriber that reads ``pt-BR``
takes ``pt-BR`` and the unqualified ``pt``, but not ``pt-PT``. This is RFC 4647 basic filtering applied in both
directions, which is what desks expect: a generic tag on either side is a promise of "any variety".
"""

from __future__ import annotations


def _subtags(tag: str) -> list[str]:
    return tag.casefold().replace("_", "-").split("-")


def language_matches(wanted: str, offered: str) -> bool:
    want, have = _subtags(wanted), _subtags(offered)
    shorter = min(len(want), len(have))
    return want[:shorter] == have[:shorter]
