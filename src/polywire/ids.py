"""Identifiers: sortable by creation time (ULID layout: 48-bit milliseconds + 80 random bits, Crockford base32).

Sortable ids keep recent releases and deliveries together in indexes and make log lines easy to order.
"""

from __future__ import annotations

import secrets
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid() -> str:
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    """A prefixed id such as ``rel_01J...``; the prefix says what kind of thing it names."""
    return f"{prefix}_{ulid()}"
