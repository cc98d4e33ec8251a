"""Exceptions that cross layer boundaries.

    PolywireError
     ├── InvalidInput          a client sent something we refuse (→ 4xx naming the field)
     │    └── PayloadTooLarge  a body over the size limit (→ 413)
     ├── NotFound              unknown id, or one the caller may not see (→ 404)
     ├── Conflict              the request clashes with stored state (→ 409)
     └── Forbidden             the caller's role may not do this (→ 403)

Delivery failures are not exceptions of this tree: they are outcomes (see polywire.deliver.outcome), because
a failed delivery is an ordinary, recorded event rather than an error in polywire.
"""

from __future__ import annotations


class PolywireError(Exception):
    """Base of every error polywire raises on purpose."""


class InvalidInput(PolywireError):
    """A client sent a value we refuse; `field` names it with a JSON-pointer-like dotted path."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class PayloadTooLarge(InvalidInput):
    """The request body is larger than we accept."""


class NotFound(PolywireError):
    """Nothing with that id exists for this caller."""


class Conflict(PolywireError):
    """The request cannot be applied to the current state (for example correcting a withdrawn release)."""


class Forbidden(PolywireError):
    """The caller is known but its role does not allow this."""
