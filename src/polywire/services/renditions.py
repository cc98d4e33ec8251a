"""A release's current version in one of the standard formats (ninjs 2.2, ninjs 3.1, NewsML-G2), in one language.

This is what ``GET /v1/releases/{id}?format=…&lang=…`` answers, and it is the item a subscriber's copy carries:
the original under the release's uri, a translation under ``<release uri>/<language>`` linked to the original,
the newest version's number, pubstatus and editorial note, and for a withdrawal no text. Visibility is the
release's own (``services.releases.owned_release``): a publisher sees its organisation's releases, a subscriber
released ones only. A language is available when it went, or may go, to subscribers: the original, or a
translation the gate passed or a person approved; a held translation is not an item yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from polywire.domain.release import PubStatus, ReleaseContent, translation_uri
from polywire.domain.roles import Principal, Role
from polywire.errors import Conflict, NotFound
from polywire.formats import Format, ItemFields
from polywire.services.localization import Localization, stored
from polywire.services.releases import owned_release
from polywire.store.tables import release_versions


@dataclass(frozen=True, slots=True)
class Rendition:
    """A rendered document: its bytes, media type, and the item's uri, version and language."""

    body: bytes
    media_type: str
    uri: str
    version: int
    language: str


def render_release(
    *, db: Connection, principal: Principal, release_id: str, output: Format, language: str | None = None
) -> Rendition:
    """The current version of a release in the ``output`` format, in ``language`` (by default the original's).

    Raises NotFound for a release the principal may not see or a language the release does not have (or, for a
    subscriber, does not have yet), and Conflict when a publisher or admin asks for a translation that is held
    for review.
    """
    row = owned_release(db, principal, release_id)
    fields = item_fields(db=db, row=row, language=language, principal=principal)
    return Rendition(
        body=output.render(fields),
        media_type=output.media_type,
        uri=fields.uri,
        version=fields.version,
        language=fields.content.language,
    )


def item_fields(*, db: Connection, row: Any, language: str | None, principal: Principal) -> ItemFields:
    """What the renderers need for one language of a release's current version (``row`` is a releases row)."""
    versions = release_versions.c
    version = db.execute(
        select(versions.content, versions.pubstatus, versions.ednote, versions.created_at).where(
            versions.release_id == row.id, versions.version == row.current_version
        )
    ).one()
    original = ReleaseContent.from_dict(version.content)
    content = _content_in(db, row, original, language, principal)
    is_translation = content.language != row.language
    return ItemFields(
        uri=translation_uri(row.uri, content.language) if is_translation else row.uri,
        version=row.current_version,
        content=content,
        pubstatus=PubStatus(version.pubstatus),
        first_created=row.first_created,
        version_created=version.created_at,
        embargo_until=row.embargo_until,
        ednote=version.ednote,
        organization=row.organization,
        translation_of=(row.uri, row.language) if is_translation else None,
    )


def _content_in(
    db: Connection, row: Any, original: ReleaseContent, language: str | None, principal: Principal
) -> ReleaseContent:
    if language is None or language.casefold() == original.language.casefold():
        return original
    # The newest localised version's languages: a withdrawal is not translated again, it keeps the languages of
    # the version it withdraws (as its notices do).
    localization = _localization(stored(db=db, release_id=row.id), language)
    if localization is None or localization.is_original:
        raise NotFound(f"release {row.id} has no {language} localization")
    if not localization.deliverable:
        if principal.role is Role.SUBSCRIBER:
            # Subscribers do not learn of held translations: for them the language does not exist yet.
            raise NotFound(f"release {row.id} has no {language} localization")
        raise Conflict(
            f"the {localization.language} translation is held for review (verdict {localization.verdict}); "
            "approve it first"
        )
    return localization.content(original)


def _localization(languages: list[Localization], language: str) -> Localization | None:
    wanted = language.casefold()
    return next((item for item in languages if item.language.casefold() == wanted), None)
