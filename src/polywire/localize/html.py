"""Splitting an HTML fragment into tags and text nodes, so that masking touches text and never markup.

polywire's bodies are sanitised by nh3 before they reach localisation, so they are well-formed fragments without
scripts, styles or comments; a regular tokeniser that cuts at ``<…>`` is exact for them and much cheaper than a
parser. Attribute values (an ``href`` holding a URL, say) stay inside their tag and are never masked or translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A tag, a comment or a doctype; sanitised input holds no ``>`` inside attribute values (nh3 escapes it).
_MARKUP = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of an HTML fragment: either markup (a tag) or text between tags, with its offset."""

    text: str
    start: int
    is_markup: bool


def split_markup(fragment: str) -> list[Piece]:
    """Cut `fragment` into alternating text and markup pieces that concatenate back to it exactly."""
    pieces: list[Piece] = []
    cursor = 0
    for match in _MARKUP.finditer(fragment):
        if match.start() > cursor:
            pieces.append(Piece(fragment[cursor : match.start()], cursor, False))
        pieces.append(Piece(match.group(), match.start(), True))
        cursor = match.end()
    if cursor < len(fragment):
        pieces.append(Piece(fragment[cursor:], cursor, False))
    return pieces
