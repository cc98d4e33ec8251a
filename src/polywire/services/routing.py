"""Routing: which endpoints a version of a release goes to.

The rule itself lives in the domain (``Filters.accepts``); this module feeds it the live subscribers and their
enabled webhook endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from polywire.domain.release import ReleaseContent
from polywire.domain.subscriber import Filters
from polywire.store.tables import endpoints, subscribers


@dataclass(frozen=True, slots=True)
class Recipient:
    endpoint_id: str
    subscriber_id: str
    # The subscriber's languages, most preferred first (empty: any).
    languages: tuple[str, ...] = ()
    # It asked for every language it lists that is deliverable, not only the most preferred one.
    all_languages: bool = False


def readers(*, db: Connection, content: ReleaseContent) -> list[Recipient]:
    """Endpoints whose subscriber takes the release's regions and categories, whatever languages it reads.

    Which copy (if any) each gets is decided per language afterwards (``domain.languages.preferred_copy``), as a
    translation can reach a subscriber that does not read the original.
    """
    rows = db.execute(
        select(
            endpoints.c.id,
            endpoints.c.subscriber_id,
            subscribers.c.languages,
            subscribers.c.all_languages,
            subscribers.c.countries,
            subscribers.c.categories,
        )
        .join(subscribers, subscribers.c.id == endpoints.c.subscriber_id)
        .where(subscribers.c.deleted_at.is_(None), endpoints.c.enabled.is_(True))
        .order_by(endpoints.c.id)
    ).all()
    recipients = []
    for row in rows:
        filters = Filters((), tuple(row.countries), tuple(row.categories))
        if filters.accepts(language=content.language, regions=content.regions, categories=content.categories):
            recipients.append(
                Recipient(
                    endpoint_id=row.id,
                    subscriber_id=row.subscriber_id,
                    languages=tuple(row.languages),
                    all_languages=row.all_languages,
                )
            )
    return recipients


def subscriber_languages(*, db: Connection, endpoint_ids: set[str]) -> dict[str, Recipient]:
    """endpoint id → recipient (with languages) for those of the given endpoints that may still receive copies."""
    if not endpoint_ids:
        return {}
    rows = db.execute(
        select(endpoints.c.id, endpoints.c.subscriber_id, subscribers.c.languages, subscribers.c.all_languages)
        .join(subscribers, subscribers.c.id == endpoints.c.subscriber_id)
        .where(
            endpoints.c.id.in_(sorted(endpoint_ids)),
            endpoints.c.enabled.is_(True),
            subscribers.c.deleted_at.is_(None),
        )
    ).all()
    return {row.id: Recipient(row.id, row.subscriber_id, tuple(row.languages), row.all_languages) for row in rows}


def live_endpoints(*, db: Connection, endpoint_ids: set[str]) -> dict[str, str]:
    """endpoint id → subscriber id for those of the given endpoints that may still receive copies."""
    if not endpoint_ids:
        return {}
    rows = db.execute(
        select(endpoints.c.id, endpoints.c.subscriber_id)
        .join(subscribers, subscribers.c.id == endpoints.c.subscriber_id)
        .where(
            endpoints.c.id.in_(sorted(endpoint_ids)),
            endpoints.c.enabled.is_(True),
            subscribers.c.deleted_at.is_(None),
        )
    ).all()
    return {row.id: row.subscriber_id for row in rows}
