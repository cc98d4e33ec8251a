"""Which copies of a version each endpoint gets, and the item of every language (rendered per format later).

Each subscriber gets a version once, in the most preferred of its languages that is deliverable (the original,
or a translation that passed the gate or that a person approved). A subscriber asking for every language it
lists (``all_languages``) gets one copy per listed language that is deliverable. A held translation never holds
up the others: a subscriber whose only matching language is held gets nothing now, and approving that language
later delivers it then (see ``approvals``). Earlier recipients of a release keep the languages they received, so
a correction reaches them in each of those languages; while a language's corrected text is held, they wait for
it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from polywire.domain.languages import WAIT, every_copy, preferred_copy
from polywire.domain.release import EventType, PubStatus, ReleaseContent, translation_uri
from polywire.formats import ItemFields
from polywire.services.localization import Localization
from polywire.services.planning import Copy
from polywire.services.routing import Recipient, readers, subscriber_languages


def route_version(
    *,
    db: Connection,
    original: ReleaseContent,
    languages: Iterable[Localization],
    previous: Mapping[str, Sequence[str]],
) -> dict[tuple[str, str], Copy]:
    """(endpoint, language) → copy for every copy of this version that goes out now.

    ``previous`` maps the endpoints that received an earlier version to the languages they received; they get
    this version as a correction in each. Everyone else reading the release gets it as a first publication, and
    so does an ``all_languages`` recipient in a language it has not received before.
    """
    ready = tuple(item.language for item in languages if item.deliverable and not item.is_original)
    held = tuple(item.language for item in languages if not item.deliverable)
    copies: dict[tuple[str, str], Copy] = {}

    def choose(recipient: Recipient) -> str | None:
        return preferred_copy(recipient.languages, original=original.language, ready=ready, held=held)

    def add_every_language(recipient: Recipient, had: Sequence[str]) -> None:
        for language in every_copy(recipient.languages, original=original.language, ready=ready):
            if (recipient.endpoint_id, language) not in copies:
                event = EventType.CORRECTED if language in had else EventType.PUBLISHED
                copies[(recipient.endpoint_id, language)] = Copy(recipient.subscriber_id, event, language)

    for endpoint_id, recipient in subscriber_languages(db=db, endpoint_ids=set(previous)).items():
        for had in previous[endpoint_id]:
            if had == original.language or had in ready:
                language: str | None = had
            elif had in held:
                continue  # its language's corrected text waits for a person; approving it sends it
            else:
                # Its language is no longer made; it still must hear of the correction, in the best language left.
                choice = choose(recipient)
                language = choice if choice not in (None, WAIT) else original.language
            language = language or original.language
            copies[(endpoint_id, language)] = Copy(recipient.subscriber_id, EventType.CORRECTED, language)
        if recipient.all_languages:
            add_every_language(recipient, previous[endpoint_id])
    for recipient in readers(db=db, content=original):
        if recipient.endpoint_id in previous:
            continue
        # A newly matching subscriber never saw the item: for it this is the first publication.
        if recipient.all_languages:
            add_every_language(recipient, ())
            continue
        choice = choose(recipient)
        if choice is not None and choice != WAIT:
            copies[(recipient.endpoint_id, choice)] = Copy(recipient.subscriber_id, EventType.PUBLISHED, choice)
    return copies


def render_items(
    row: Any,
    *,
    version: int,
    original: ReleaseContent,
    languages: Iterable[Localization],
    wanted: Iterable[str],
    created: datetime,
    ednote: str | None,
    pubstatus: PubStatus,
) -> dict[str, ItemFields]:
    """language → the item of that language, for the languages in ``wanted`` (the original's text when a language
    has none), as every format takes it: ``planning.materialise`` renders it in each format its recipients use."""
    by_language = {item.language: item for item in languages}
    items = {}
    for language in set(wanted):
        localization = by_language.get(language)
        if language == original.language or localization is None or localization.is_original:
            content = original if language == original.language else _relabelled(original, language)
        else:
            content = localization.content(original)
        items[language] = release_item(
            row, version=version, content=content, created=created, ednote=ednote, pubstatus=pubstatus
        )
    return items


def _relabelled(original: ReleaseContent, language: str) -> ReleaseContent:
    return replace(original, language=language)


def release_item(
    row: Any, *, version: int, content: ReleaseContent, created: datetime, ednote: str | None, pubstatus: PubStatus
) -> ItemFields:
    """One language of one version (``row`` is the releases row); a translation gets its own uri and links the
    original. The formats apply the withdrawal rule (no body, no summary) themselves."""
    is_translation = content.language != row.language
    return ItemFields(
        uri=translation_uri(row.uri, content.language) if is_translation else row.uri,
        version=version,
        content=content,
        pubstatus=pubstatus,
        first_created=row.first_created,
        version_created=created,
        embargo_until=row.embargo_until,
        ednote=ednote,
        organization=row.organization,
        translation_of=(row.uri, row.language) if is_translation else None,
    )
