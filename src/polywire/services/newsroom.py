"""The public newsroom's reads beyond the lists: one release's page in one language, and the languages on the wire.

Lists of released items come from ``services.published``; this module answers what an item page needs and the
list pages do not: one release in one of its languages, the other languages it can be read in, whether it was
corrected after it became public, and whether it was withdrawn. The rules of what is public are those of
``services.published``, restated for a single release:

* Nothing of a release exists for the public before its embargo instant: ``released_item`` answers None, exactly
  as for an unknown id, so a page cannot tell an embargoed release from one that never was.
* A translation is readable while its verdict in the **current** version lets it go out (``pass``, ``warn``,
  ``approved``); the original always is.
* A withdrawn release that was public becomes a withdrawal notice, in each language the public may have read it
  in, with no text at all (not even its headline). One withdrawn before its embargo lifted was never public and
  stays unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, false, func, or_, select, union

from polywire.domain.release import ReleaseContent, ReleaseStatus
from polywire.services.localization import DELIVERABLE, translated_content
from polywire.store.tables import localizations, release_versions, releases

_RELEASE_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
# The language switcher lists at most this many languages; the wire's design target is 15 to 90.
MAX_LANGUAGES = 200


@dataclass(frozen=True, slots=True)
class Correction:
    """A correction made after the release became public: the editor's note and its moment."""

    ednote: str | None
    corrected_at: datetime


@dataclass(frozen=True, slots=True)
class ItemPage:
    """One release in one language, as its public page shows it. ``content`` is None once it is withdrawn."""

    release_id: str
    language: str
    original_language: str
    languages: tuple[str, ...]  # every language the release can be read in, the original first
    content: ReleaseContent | None
    version: int
    released_at: datetime
    updated_at: datetime
    correction: Correction | None
    withdrawn_at: datetime | None

    @property
    def is_translation(self) -> bool:
        return self.language != self.original_language


def released_item(*, db: Connection, release_id: str, language: str, now: datetime) -> ItemPage | None:
    """The public page of ``release_id`` in ``language`` (a tag the release has, compared ignoring case), or None
    when there is nothing public by that id and language."""
    if not _RELEASE_ID.fullmatch(release_id):
        return None
    r = releases.c
    row = db.execute(
        select(
            r.id,
            r.language,
            r.status,
            r.current_version,
            r.embargo_until,
            r.first_created,
            r.version_created,
            release_versions.c.content,
            release_versions.c.ednote,
        )
        .join(
            release_versions,
            and_(release_versions.c.release_id == r.id, release_versions.c.version == r.current_version),
        )
        .where(r.id == release_id)
    ).first()
    if row is None:
        return None
    released_at: datetime = row.embargo_until or row.first_created
    if released_at > now:
        return None
    loc = localizations.c
    if row.status == ReleaseStatus.WITHDRAWN.value:
        if row.embargo_until is not None and row.embargo_until > row.version_created:
            return None
        # Every language the public may have read it in: a translation released in any version.
        seen = db.execute(
            select(loc.language)
            .where(loc.release_id == release_id, loc.is_original == false(), loc.verdict.in_(sorted(DELIVERABLE)))
            .distinct()
        ).scalars()
        languages = (row.language, *sorted(set(seen) - {row.language}))
        chosen = _pick(languages, language)
        if chosen is None:
            return None
        return ItemPage(
            release_id=row.id,
            language=chosen,
            original_language=row.language,
            languages=languages,
            content=None,
            version=row.current_version,
            released_at=released_at,
            updated_at=row.version_created,
            correction=None,
            withdrawn_at=row.version_created,
        )
    ready = {
        translation.language: translation
        for translation in db.execute(
            select(loc.language, loc.verdict, loc.headline, loc.summary, loc.body_html, loc.approved_at).where(
                loc.release_id == release_id,
                loc.version == row.current_version,
                loc.is_original == false(),
                loc.verdict.in_(sorted(DELIVERABLE)),
            )
        ).all()
    }
    languages = (row.language, *sorted(set(ready) - {row.language}))
    chosen = _pick(languages, language)
    if chosen is None:
        return None
    original = ReleaseContent.from_dict(row.content)
    changed = [released_at, row.version_created]
    content = original
    translation = ready.get(chosen) if chosen != row.language else None
    if translation is not None:
        content = translated_content(original, translation)
        if translation.approved_at is not None:
            changed.append(translation.approved_at)
    # A correction made while the release was still under embargo corrected nothing the public had read.
    correction = None
    if row.current_version > 1 and row.version_created > released_at:
        correction = Correction(ednote=row.ednote, corrected_at=row.version_created)
    return ItemPage(
        release_id=row.id,
        language=chosen,
        original_language=row.language,
        languages=languages,
        content=content,
        version=row.current_version,
        released_at=released_at,
        updated_at=max(changed),
        correction=correction,
        withdrawn_at=None,
    )


def public_languages(*, db: Connection, now: datetime) -> list[str]:
    """Every language some released, not withdrawn item is in (originals and released translations), sorted."""
    r = releases.c
    loc = localizations.c
    public = and_(
        r.status != ReleaseStatus.WITHDRAWN.value,
        or_(and_(r.embargo_until.is_(None), r.first_created <= now), r.embargo_until <= now),
    )
    originals = select(r.language.label("language")).where(public)
    translations = (
        select(loc.language.label("language"))
        .join(releases, and_(r.id == loc.release_id, r.current_version == loc.version))
        .where(public, loc.is_original == false(), loc.verdict.in_(sorted(DELIVERABLE)))
    )
    both = union(originals, translations).subquery()
    found = db.execute(select(both.c.language).order_by(func.lower(both.c.language)).limit(MAX_LANGUAGES)).scalars()
    # Tags are stored as given; show each once whatever its case.
    unique: dict[str, str] = {}
    for tag in found:
        unique.setdefault(tag.casefold(), tag)
    return list(unique.values())


def _pick(languages: tuple[str, ...], wanted: str) -> str | None:
    folded = wanted.casefold()
    return next((tag for tag in languages if tag.casefold() == folded), None)
