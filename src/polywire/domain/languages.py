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


def closest(wanted: str, offered: tuple[str, ...]) -> str | None:
    """Of the tags in ``offered`` that match ``wanted``, the most specific fit: a Valencian reader gets the
    ``ca-valencia`` copy rather than the generic ``ca`` one when both exist, and a ``pt`` reader the ``pt`` copy
    rather than ``pt-BR``. Ties keep ``offered``'s order."""
    want = _subtags(wanted)
    best: tuple[int, int] | None = None
    chosen = None
    for candidate in offered:
        if not language_matches(wanted, candidate):
            continue
        have = _subtags(candidate)
        # More subtags in common first; then fewer subtags the reader did not ask for.
        shared = sum(1 for a, b in zip(want, have, strict=False) if a == b)
        score = (shared, -(len(have) - shared))
        if best is None or score > best:
            best, chosen = score, candidate
    return chosen


# What a subscriber's language preferences say about one version's copies: send one language, wait for a held
# one, or not a reader of this release at all.
WAIT = "wait"


def preferred_copy(
    wanted: tuple[str, ...], *, original: str, ready: tuple[str, ...], held: tuple[str, ...]
) -> str | None:
    """The language of the copy a subscriber reading ``wanted`` (most preferred first) gets now.

    ``ready`` are the translations that may go out (the original always may); ``held`` those waiting for a
    person. A subscriber without preferences gets the original. When nothing it reads is ready but a held
    translation would do, the answer is ``WAIT``: the copy goes once that translation is approved. ``None``
    means the subscriber reads none of the release's languages.
    """
    if not wanted:
        return original
    for language in wanted:
        if language_matches(language, original):
            return original
        candidate = closest(language, ready)
        if candidate is not None:
            return candidate
    if any(language_matches(language, candidate) for language in wanted for candidate in held):
        return WAIT
    return None


def every_copy(wanted: tuple[str, ...], *, original: str, ready: tuple[str, ...]) -> tuple[str, ...]:
    """The languages of the copies a subscriber asking for every language it reads gets now, in its order.

    Each listed language is served by the original when it matches, else by the closest ready translation;
    languages served by nothing deliverable (held, or never made) are left out. A subscriber without preferences
    gets the original.
    """
    if not wanted:
        return (original,)
    chosen: list[str] = []
    for language in wanted:
        if language_matches(language, original):
            chosen.append(original)
            continue
        candidate = closest(language, ready)
        if candidate is not None:
            chosen.append(candidate)
    return tuple(dict.fromkeys(chosen))
