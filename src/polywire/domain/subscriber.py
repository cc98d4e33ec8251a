"""Subscribers (outlets, journalists, desktops), their endpoints and the routing rule that matches releases.

Routing is a pure function of the release's language, regions and categories and the subscriber's filters:
an empty filter means "everything".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from polywire.domain.languages import language_matches


class SubscriberKind(StrEnum):
    OUTLET = "outlet"
    JOURNALIST = "journalist"
    DESKTOP = "desktop"


class EndpointType(StrEnum):
    WEBHOOK = "webhook"


@dataclass(frozen=True, slots=True)
class Filters:
    """What a subscriber wants: languages (BCP 47), countries (ISO 3166-1 alpha-2), categories."""

    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def accepts(self, *, language: str, regions: Iterable[str], categories: Iterable[str]) -> bool:
        if self.languages and not any(language_matches(wanted, language) for wanted in self.languages):
            return False
        regions = set(regions)
        if self.countries and regions and not regions.intersection(self.countries):
            return False
        wanted_categories = {c.casefold() for c in self.categories}
        offered = {c.casefold() for c in categories}
        return not (wanted_categories and offered and not wanted_categories & offered)


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: str
    subscriber_id: str
    type: EndpointType
    url: str
    enabled: bool = True
    disabled_reason: str | None = None
    disabled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Subscriber:
    id: str
    name: str
    kind: SubscriberKind
    filters: Filters
    endpoints: tuple[Endpoint, ...] = ()
    created_at: datetime | None = None
