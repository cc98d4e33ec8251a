"""Released items: what anyone may read without a key, per language, newest first, a page at a time.

This is the query layer under the public feeds (``polywire.feeds``, ``/feeds/…``), the WebSub publisher (which
pushes "what changed since X") and, later, the public newsroom pages; it knows nothing of feed formats.

What "released" means, here and nowhere else for the public:

* The release's embargo has passed by ``now`` (or it never had one). Its **release time** is the embargo instant,
  or its submission time without an embargo; lists are ordered by it, newest first.
* Each language of a release is an item of its own (as in every format polywire speaks): the original under the
  release's ``uri``, a translation under ``<uri>/<language>``. A translation is released only while its verdict in
  the **current** version lets it go out (``pass``, ``warn``, ``approved``); a held one is never listed, not even
  with the text of an earlier version that passed (a correction may exist precisely because that text was wrong).
  It appears the moment a person approves it.
* A language's list holds, per release, the one item a subscriber reading that language gets by webhook
  (``domain.languages.preferred_copy``): the original when it matches the language (BCP 47 ranges, both ways),
  else the closest released translation. The list of every language holds every released item.
* An item's ``updated`` is the moment its current text became public: the latest of the release time, its
  version's creation (a correction) and its approval.
* A withdrawn release is no longer listed; it becomes a ``WithdrawnItem`` for each language item the public may
  have seen (the original, and each translation that was released in some version). A release withdrawn before
  its embargo lifted was never public and leaves no trace.

Category and region filters compare with what the publisher stored: a free category ignoring ASCII case (as
routing does), a Media Topic in any of its spellings (``medtop:04000000``, ``04000000``, its URI), a region as an
ISO 3166-1 alpha-2 code. They are evaluated in SQL on the version's JSON (``json_each`` on SQLite,
``json_array_elements_text`` on PostgreSQL), so pages stay cheap.

Paging is by keyset, never OFFSET: a ``Cursor`` is the (release time, submission time, release id) of the last
release on a page, and the next page holds what comes strictly after it in that order, so releases published
meanwhile shift nothing. Pages count releases, not items, so the languages of one release never straddle two pages
of the every-language list. The order is read from one index, ``(embargo_until, first_created, id)``, in two
ranges merged here: without an embargo (release time = submission time) and with one.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import langcodes
import pycountry
from sqlalchemy import ColumnElement, Connection, Select, and_, exists, false, func, literal, or_, select

from polywire.domain.languages import WAIT, preferred_copy
from polywire.domain.release import ReleaseContent, ReleaseStatus, translation_uri
from polywire.errors import InvalidInput
from polywire.services.localization import DELIVERABLE, translated_content
from polywire.store.tables import localizations, release_versions, releases

MAX_PAGE_SIZE = 500
# What a changes_since answer holds at most: a WebSub push is one document, not an export.
MAX_CHANGES = 500

_MEDIATOPIC = re.compile(r"(?:medtop:|http://cv\.iptc\.org/newscodes/mediatopic/)?(\d{8})", re.IGNORECASE)
_MEDIATOPIC_URI = "http://cv.iptc.org/newscodes/mediatopic/"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_RELEASE_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
_CURSOR_TIME = "%Y%m%dT%H%M%S.%fZ"


@dataclass(frozen=True, slots=True)
class Selection:
    """What a reader asks for: one language (a BCP 47 tag; None for every language), and optionally one category
    and one region. Build it with ``selection()``, which validates and normalises."""

    language: str | None = None
    category: str | None = None
    region: str | None = None


def selection(*, language: str | None, category: str | None = None, region: str | None = None) -> Selection:
    """A validated Selection; InvalidInput names the parameter at fault (``lang``, ``category``, ``region``)."""
    if language is not None:
        if len(language) > 35 or not langcodes.tag_is_valid(language):
            raise InvalidInput("lang", f"{language[:40]!r} is not a valid BCP 47 language tag")
        language = str(langcodes.standardize_tag(language))
    if category is not None:
        category = category.strip()
        if not category or len(category) > 200 or _CONTROL.search(category):
            raise InvalidInput("category", "must be 1 to 200 characters without control characters")
    if region is not None:
        code = region.strip().upper()
        if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
            raise InvalidInput("region", f"{region[:40]!r} is not an ISO 3166-1 alpha-2 country code")
        region = code
    return Selection(language=language, category=category, region=region)


@dataclass(frozen=True, slots=True)
class Cursor:
    """A position in the lists' order: the release time, submission time and id of the last release seen
    (releases sharing an embargo instant are common; the submission time and the id order them)."""

    released_at: datetime
    first_created: datetime
    release_id: str

    def token(self) -> str:
        """The position as an opaque, URL-safe string (clients follow links; they do not build cursors)."""
        moments = (moment.astimezone(UTC).strftime(_CURSOR_TIME) for moment in (self.released_at, self.first_created))
        raw = "~".join((*moments, self.release_id))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, token: str, *, field: str = "before") -> Cursor:
        """The cursor a ``token()`` made; InvalidInput naming ``field`` for anything else."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            released, created, release_id = raw.split("~", 2)
            released_at, first_created = (
                datetime.strptime(moment, _CURSOR_TIME).replace(tzinfo=UTC) for moment in (released, created)
            )
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise InvalidInput(field, "is not a cursor from one of this feed's links") from None
        if not _RELEASE_ID.fullmatch(release_id):
            raise InvalidInput(field, "is not a cursor from one of this feed's links")
        return cls(released_at, first_created, release_id)


@dataclass(frozen=True, slots=True)
class PublishedItem:
    """One released language of one release, at its current version."""

    uri: str  # the release's uri for the original, <uri>/<language> for a translation
    release_id: str
    release_uri: str
    original_language: str
    version: int
    content: ReleaseContent  # this language's text with the version's categories, regions, byline…
    organization: str
    released_at: datetime  # the release time: the embargo instant, or the submission without an embargo
    updated_at: datetime  # when this text became public: release time, correction or approval, the latest

    @property
    def language(self) -> str:
        return self.content.language

    @property
    def is_translation(self) -> bool:
        return self.uri != self.release_uri


@dataclass(frozen=True, slots=True)
class WithdrawnItem:
    """A language item of a withdrawn release that the public may have seen (an Atom deleted entry)."""

    uri: str
    release_id: str
    language: str
    withdrawn_at: datetime


@dataclass(frozen=True, slots=True)
class Page:
    """One page of released items (newest release time first), the newest withdrawals (on the first page only),
    and the cursor of the next page (None on the last)."""

    items: tuple[PublishedItem, ...]
    withdrawn: tuple[WithdrawnItem, ...]
    next: Cursor | None


@dataclass(frozen=True, slots=True)
class Changes:
    """What became public, changed or was withdrawn after a moment: the items (newest change first) and the
    withdrawals. ``complete`` is False when there were more than could be returned at once."""

    items: tuple[PublishedItem, ...]
    withdrawn: tuple[WithdrawnItem, ...]
    complete: bool


def published(
    *, db: Connection, choice: Selection, now: datetime, before: Cursor | None = None, limit: int = 50
) -> Page:
    """The released items of up to ``limit`` releases after ``before`` (from the newest without it), plus, on the
    first page, the ``limit`` newest withdrawals."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be 1..{MAX_PAGE_SIZE}, got {limit}")
    query = _candidates(db, choice).where(releases.c.status != ReleaseStatus.WITHDRAWN.value)
    r = releases.c
    branches = []
    # Two ranges of ix_releases_release_time, each already in keyset order, merged here: an index on
    # coalesce(embargo_until, first_created) would do it in one, but cannot be reflected on SQLite.
    for released_at, branch in (
        (r.first_created, query.where(r.embargo_until.is_(None))),
        (r.embargo_until, query.where(r.embargo_until.is_not(None))),
    ):
        branch = branch.where(released_at <= now)
        if before is not None:
            branch = branch.where(
                released_at <= before.released_at, _before((released_at, r.first_created, r.id), before)
            )
        # Both in the index's own order: ordering the embargo_until IS NULL range by embargo_until too changes
        # nothing in it, but PostgreSQL does not take IS NULL as an equality, and would otherwise sort the range.
        branches.append(branch.order_by(r.embargo_until.desc(), r.first_created.desc(), r.id.desc()).limit(limit + 1))
    rows = [row for branch in branches for row in db.execute(branch).all()]
    rows.sort(key=lambda row: (_released_at(row), row.first_created, row.id), reverse=True)
    more = len(rows) > limit
    rows = rows[:limit]
    items = _items(db, rows, choice)
    withdrawn = _withdrawals(db, choice, now=now, limit=limit) if before is None else ()
    following = _position(rows[-1]) if more else None
    return Page(items=tuple(items), withdrawn=tuple(withdrawn), next=following)


def changes_since(
    *, db: Connection, choice: Selection, since: datetime, now: datetime, limit: int = MAX_CHANGES
) -> Changes:
    """Every item of the selection that became public or changed in (``since``, ``now``], and every withdrawal
    in that span: what a WebSub publisher pushes to a topic's subscribers."""
    if not 1 <= limit <= MAX_CHANGES:
        raise ValueError(f"limit must be 1..{MAX_CHANGES}, got {limit}")
    changed = _changed_release_ids(db, since=since, now=now)
    live = db.execute(
        _candidates(db, choice).where(
            releases.c.status != ReleaseStatus.WITHDRAWN.value,
            releases.c.id.in_(changed),
            _public(now),
        )
    ).all()
    items = [item for item in _items(db, live, choice) if since < item.updated_at <= now]
    # Stable: a release's languages keep their order (the original first) within one moment.
    items.sort(key=lambda item: item.updated_at, reverse=True)
    withdrawn = [
        item for item in _withdrawals(db, choice, now=now, limit=limit, since=since) if since < item.withdrawn_at <= now
    ]
    complete = len(items) <= limit and len(withdrawn) < limit
    return Changes(items=tuple(items[:limit]), withdrawn=tuple(withdrawn[:limit]), complete=complete)


def last_changed(*, db: Connection, now: datetime) -> datetime | None:
    """The last moment anything public changed anywhere on the wire (None before the first release).

    Each public change leaves a trace in an index: a release without an embargo appears at ``first_created``, one
    with an embargo at ``embargo_until``, a correction or withdrawal sets ``version_created``, an approval sets
    ``approved_at``. Changes to releases still under embargo are left out, so this moment tells nothing about them.
    """
    r = releases.c
    moments: list[datetime | None] = [
        db.execute(
            select(r.first_created)
            .where(r.embargo_until.is_(None), r.first_created <= now)
            # In the index's order, as in published().
            .order_by(r.embargo_until.desc(), r.first_created.desc())
            .limit(1)
        ).scalar(),
        db.execute(
            select(r.embargo_until)
            .where(r.embargo_until <= now, _was_public_if_withdrawn())
            .order_by(r.embargo_until.desc())
            .limit(1)
        ).scalar(),
        db.execute(
            select(localizations.c.approved_at)
            .join(releases, releases.c.id == localizations.c.release_id)
            .where(localizations.c.approved_at.is_not(None), localizations.c.approved_at <= now, _public(now))
            .order_by(localizations.c.approved_at.desc())
            .limit(1)
        ).scalar(),
    ]
    # Per status, so that each walks (status, version_created) from its newest end.
    for status in ReleaseStatus:
        moments.append(
            db.execute(
                select(r.version_created)
                .where(r.status == status.value, r.version_created <= now, _public(now), _was_public_if_withdrawn())
                .order_by(r.version_created.desc())
                .limit(1)
            ).scalar()
        )
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def _public(now: datetime) -> ColumnElement[bool]:
    """The release's embargo (if any) has passed."""
    return or_(releases.c.embargo_until.is_(None), releases.c.embargo_until <= now)


def _was_public_if_withdrawn() -> ColumnElement[bool]:
    """Not a release withdrawn before its embargo lifted (``version_created`` of a withdrawn release is the
    withdrawal): such a release was never public."""
    return or_(
        releases.c.status != ReleaseStatus.WITHDRAWN.value,
        releases.c.embargo_until.is_(None),
        releases.c.embargo_until <= releases.c.version_created,
    )


def _released_at(row: Any) -> datetime:
    moment: datetime = row.embargo_until or row.first_created
    return moment


def _position(row: Any) -> Cursor:
    return Cursor(_released_at(row), row.first_created, row.id)


def _before(columns: tuple[Any, Any, Any], cursor: Cursor) -> ColumnElement[bool]:
    """(release time, first_created, id) < the cursor, lexicographically (spelt out: row values are not in every
    SQLite an operator runs)."""
    released_at, first_created, release_id = columns
    return or_(
        released_at < cursor.released_at,
        and_(
            released_at == cursor.released_at,
            or_(
                first_created < cursor.first_created,
                and_(first_created == cursor.first_created, release_id < cursor.release_id),
            ),
        ),
    )


def _candidates(db: Connection, choice: Selection) -> Select[Any]:
    """Releases with their current version that may hold an item of the selection: the SQL side of the choice,
    a superset that ``_items`` narrows to exactly one item per release and language."""
    current = release_versions
    query = select(
        releases.c.id,
        releases.c.uri,
        releases.c.language,
        releases.c.organization,
        releases.c.current_version,
        releases.c.embargo_until,
        releases.c.first_created,
        releases.c.version_created,
        current.c.content,
        current.c.created_at.label("version_at"),
    ).join(current, and_(current.c.release_id == releases.c.id, current.c.version == releases.c.current_version))
    if choice.language is not None:
        query = query.where(_has_language(choice.language))
    if choice.category is not None:
        query = query.where(_json_list_has(db, current.c.content, "categories", _category_forms(choice.category)))
    if choice.region is not None:
        query = query.where(_json_list_has(db, current.c.content, "regions", [choice.region.lower()]))
    return query


def _has_language(tag: str, *, any_version: bool = False) -> ColumnElement[bool]:
    """The original is in ``tag``, or a translation in ``tag`` may go out (in the current version, or for a
    withdrawn release in any version)."""
    loc = localizations.c
    probe = (
        select(literal(1))
        .where(
            loc.release_id == releases.c.id,
            loc.is_original == false(),
            loc.verdict.in_(sorted(DELIVERABLE)),
            _language_matches(loc.language, tag),
        )
        .limit(1)
    )
    if not any_version:
        probe = probe.where(loc.version == releases.c.current_version)
    # A scalar probe rather than EXISTS: under OR, PostgreSQL may turn an EXISTS into a hashed subplan that reads
    # every localization of the language once per request; a scalar subquery is always a per-release index
    # lookup, which is what a page of a few dozen releases wants.
    return or_(_language_matches(releases.c.language, tag), probe.scalar_subquery().is_not(None))


def _language_matches(column: Any, tag: str) -> ColumnElement[bool]:
    """SQL for ``domain.languages.language_matches(tag, column)``: one tag is the other or a subtag-prefix of it."""
    folded = tag.casefold().replace("_", "-")
    subtags = folded.split("-")
    prefixes = ["-".join(subtags[:count]) for count in range(1, len(subtags) + 1)]
    lowered = func.lower(column)
    # Standardised tags are letters, digits and hyphens: nothing LIKE would read as a wildcard.
    return or_(lowered.in_(prefixes), lowered.like(f"{folded}-%"))


def _category_forms(category: str) -> list[str]:
    """The stored spellings that mean ``category``, lowered (and as given, for letters SQLite cannot lower)."""
    match = _MEDIATOPIC.fullmatch(category)
    if match:
        code = match.group(1)
        return [f"medtop:{code}", code, f"{_MEDIATOPIC_URI}{code}"]
    return sorted({category.lower(), category})


def _json_list_has(db: Connection, document: Any, key: str, forms: Sequence[str]) -> ColumnElement[bool]:
    """The JSON list ``document[key]`` holds one of ``forms`` (compared lowered)."""
    if db.dialect.name == "postgresql":
        elements = func.json_array_elements_text(document[key]).table_valued("value", joins_implicitly=True)
    else:
        elements = func.json_each(document, f"$.{key}").table_valued("value", joins_implicitly=True)
    return exists().where(func.lower(elements.c.value).in_(list(forms)))


def _translations(db: Connection, rows: Sequence[Any]) -> dict[str, list[Any]]:
    """release id → the released translations of its current version, by language."""
    if not rows:
        return {}
    loc = localizations.c
    found = db.execute(
        select(
            loc.release_id,
            loc.version,
            loc.language,
            loc.headline,
            loc.summary,
            loc.body_html,
            loc.verdict,
            loc.approved_at,
        )
        .where(
            loc.release_id.in_([row.id for row in rows]),
            loc.is_original == false(),
            loc.verdict.in_(sorted(DELIVERABLE)),
        )
        .order_by(loc.release_id, loc.language)
    ).all()
    current = {row.id: row.current_version for row in rows}
    by_release: dict[str, list[Any]] = {}
    for row in found:
        if current.get(row.release_id) == row.version:
            by_release.setdefault(row.release_id, []).append(row)
    return by_release


def _items(db: Connection, rows: Sequence[Any], choice: Selection) -> list[PublishedItem]:
    """The released items of these releases (rows of ``_candidates``) that the selection's language takes."""
    translations = _translations(db, rows)
    items: list[PublishedItem] = []
    for row in rows:
        original = ReleaseContent.from_dict(row.content)
        ready = {translation.language: translation for translation in translations.get(row.id, [])}
        languages = _chosen(choice, row.language, tuple(ready))
        released_at = _released_at(row)
        for language in languages:
            translation = ready.get(language)
            changed = [released_at, row.version_at]
            if translation is None:
                uri, content = row.uri, original
            else:
                uri = translation_uri(row.uri, language)
                content = translated_content(original, translation)
                if translation.approved_at is not None:
                    changed.append(translation.approved_at)
            items.append(
                PublishedItem(
                    uri=uri,
                    release_id=row.id,
                    release_uri=row.uri,
                    original_language=row.language,
                    version=row.current_version,
                    content=content,
                    organization=row.organization,
                    released_at=released_at,
                    updated_at=max(changed),
                )
            )
    return items


def _chosen(choice: Selection, original: str, ready: tuple[str, ...]) -> list[str]:
    """The languages of a release's items in the selection: every one for the every-language list, else the one
    a subscriber reading the selection's language would get."""
    if choice.language is None:
        return [original, *ready]
    language = preferred_copy((choice.language,), original=original, ready=ready, held=())
    return [] if language is None or language == WAIT else [language]


def _withdrawals(
    db: Connection, choice: Selection, *, now: datetime, limit: int, since: datetime | None = None
) -> list[WithdrawnItem]:
    """The newest withdrawals of releases that were public when withdrawn, as one item per language that the
    selection would have listed."""
    r = releases.c
    current = release_versions
    query = (
        select(r.id, r.uri, r.language, r.version_created)
        .join(current, and_(current.c.release_id == r.id, current.c.version == r.current_version))
        .where(
            r.status == ReleaseStatus.WITHDRAWN.value,
            r.version_created <= now,
            or_(r.embargo_until.is_(None), r.embargo_until <= r.version_created),
        )
        .order_by(r.version_created.desc(), r.id.desc())
        .limit(limit)
    )
    if since is not None:
        query = query.where(r.version_created > since)
    if choice.language is not None:
        query = query.where(_has_language(choice.language, any_version=True))
    if choice.category is not None:
        query = query.where(_json_list_has(db, current.c.content, "categories", _category_forms(choice.category)))
    if choice.region is not None:
        query = query.where(_json_list_has(db, current.c.content, "regions", [choice.region.lower()]))
    rows = db.execute(query).all()
    if not rows:
        return []
    loc = localizations.c
    seen: dict[str, set[str]] = {}
    for release_id, language in db.execute(
        select(loc.release_id, loc.language)
        .where(
            loc.release_id.in_([row.id for row in rows]),
            loc.is_original == false(),
            loc.verdict.in_(sorted(DELIVERABLE)),
        )
        .distinct()
    ).all():
        seen.setdefault(release_id, set()).add(language)
    withdrawn = []
    for row in rows:
        for language in _chosen(choice, row.language, tuple(sorted(seen.get(row.id, ())))):
            uri = row.uri if language == row.language else translation_uri(row.uri, language)
            withdrawn.append(WithdrawnItem(uri, row.id, language, row.version_created))
    return withdrawn


def _changed_release_ids(db: Connection, *, since: datetime, now: datetime) -> list[str]:
    """Releases with a public change in (since, now]: first publication, embargo lifted, correction or
    withdrawal, approval. Each comes from an index range."""
    r = releases.c
    queries: Iterable[Select[Any]] = (
        select(r.id).where(r.embargo_until.is_(None), r.first_created > since, r.first_created <= now),
        select(r.id).where(r.embargo_until > since, r.embargo_until <= now),
        select(r.id).where(
            r.status.in_([status.value for status in ReleaseStatus]),
            r.version_created > since,
            r.version_created <= now,
            _public(now),
        ),
        select(localizations.c.release_id)
        .join(releases, r.id == localizations.c.release_id)
        .where(localizations.c.approved_at > since, localizations.c.approved_at <= now, _public(now)),
    )
    found: dict[str, None] = {}
    for query in queries:
        for (release_id,) in db.execute(query).all():
            found[release_id] = None
    return list(found)
