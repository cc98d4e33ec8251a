"""A release, its versions and the lifecycle that corrections and withdrawals drive.

A release is identified by a stable ``uri``; every correction creates a new numbered version of the same uri
(version 1 is the original). A withdrawal is a final version whose ``pubstatus`` is ``canceled``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from enum import StrEnum
from typing import Any


class ReleaseStatus(StrEnum):
    """Where a release stands for the outside world."""

    EMBARGOED = "embargoed"  # accepted, nothing of it may leave before embargo_until
    RELEASED = "released"  # public; deliveries may go out
    WITHDRAWN = "withdrawn"  # canceled by its publisher; every recipient is told


class PubStatus(StrEnum):
    """IPTC pubstatus of a version as subscribers see it."""

    USABLE = "usable"
    CANCELED = "canceled"


class EventType(StrEnum):
    """The webhook event a version produces."""

    PUBLISHED = "item.published"
    CORRECTED = "item.corrected"
    WITHDRAWN = "item.withdrawn"


# Fields a correction may change. Language and embargo are deliberately absent: a release in another language is
# a translation (its own localization), and moving an embargo after publication would rewrite history.
CORRECTABLE_FIELDS = (
    "headline",
    "body_html",
    "summary",
    "categories",
    "regions",
    "urgency",
    "byline",
    "credit",
    "dateline",
    "disclaimer",
)


@dataclass(frozen=True, slots=True)
class ReleaseContent:
    """What the publisher wrote: the editorial fields of one version."""

    headline: str
    body_html: str
    language: str
    summary: str | None = None
    categories: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    urgency: int | None = None
    byline: str | None = None
    credit: str | None = None
    dateline: str | None = None
    disclaimer: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain JSON values (lists for tuples), as stored and shown."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in ((f.name, getattr(self, f.name)) for f in fields(self))
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReleaseContent:
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known}
        return cls(**values)

    def corrected(self, changes: dict[str, object]) -> ReleaseContent:
        """A copy with the given correctable fields replaced."""
        unknown = set(changes) - set(CORRECTABLE_FIELDS)
        if unknown:
            raise ValueError(f"not correctable: {sorted(unknown)}")
        normalised = {key: tuple(value) if isinstance(value, list | tuple) else value for key, value in changes.items()}
        return replace(self, **normalised)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Version:
    """One numbered, immutable state of a release as it was sent out."""

    release_id: str
    number: int
    content: ReleaseContent
    pubstatus: PubStatus
    event: EventType
    created_at: datetime
    ednote: str | None = None


@dataclass(frozen=True, slots=True)
class Release:
    """A release as stored: identity, owner, embargo and the current version."""

    id: str
    uri: str
    organization: str
    status: ReleaseStatus
    current_version: int
    embargo_until: datetime | None
    first_created: datetime
    content: ReleaseContent
    version_created: datetime
    ednote: str | None = None
    withdrawn_reason: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def is_embargoed(self, now: datetime) -> bool:
        return self.embargo_until is not None and now < self.embargo_until

    @property
    def pubstatus(self) -> PubStatus:
        return PubStatus.CANCELED if self.status is ReleaseStatus.WITHDRAWN else PubStatus.USABLE


def release_uri(release_id: str) -> str:
    """The stable IRI that names a release in every format and every version."""
    return f"urn:polywire:release:{release_id}"


def translation_uri(original_uri: str, language: str) -> str:
    """The IRI of one translation of a release: the original's, then the language tag (stable across versions)."""
    return f"{original_uri}/{language}"
