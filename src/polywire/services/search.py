"""Full-text search across released items, for the public newsroom.

On SQLite the words are looked up in the FTS5 index of every localization (migration 0008, kept in step by
triggers); on PostgreSQL in ``to_tsvector('simple', …)`` of the same rows, matched with ``plainto_tsquery``.
The index holds everything ever written, embargoed and held text included, so what it finds is never shown as
such: every hit is joined back to its release and kept only if it is released by the rules of
``services.published`` — the embargo instant has passed, the release is not withdrawn, the text is of the
current version, and it is the original or a translation whose verdict lets it go out.

What a reader types is never FTS syntax: it is cut into whitespace-separated words, each quoted as an FTS5
string (a phrase of the tokens the index would make of it), all of which must match. ``AND``, ``NEAR``, ``*``,
``"`` and column filters are thereby plain words or nothing. PostgreSQL's ``plainto_tsquery`` does the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, column, false, func, literal_column, or_, select, table, true

from polywire.domain.release import ReleaseStatus
from polywire.errors import InvalidInput
from polywire.services.localization import DELIVERABLE
from polywire.store.tables import SEARCH_INDEX, localizations, releases

MAX_QUERY_LENGTH = 200
MAX_WORDS = 16
MAX_RESULTS = 50

_index = table(SEARCH_INDEX, column("release_id"), column("version"), column("language"), column("rank"))


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One released item that matches: its release, language, headline and summary, and its release time."""

    release_id: str
    language: str
    headline: str
    summary: str | None
    released_at: datetime


def search_words(query: str) -> list[str]:
    """The words of a reader's query; InvalidInput naming ``q`` when it is too long or has none."""
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidInput("q", f"must be at most {MAX_QUERY_LENGTH} characters")
    words = [word for word in query.split() if word.isprintable()]
    if not words:
        raise InvalidInput("q", "must hold at least one word")
    return words[:MAX_WORDS]


def search_released(
    *, db: Connection, words: list[str], language: str | None, now: datetime, limit: int = 20
) -> list[SearchHit]:
    """Released items matching every word, best match first (then newest), in ``language`` when given (a BCP 47
    tag, matching its regional variants and its primary language both ways, as the feeds do)."""
    if not 1 <= limit <= MAX_RESULTS:
        raise ValueError(f"limit must be 1..{MAX_RESULTS}, got {limit}")
    r = releases.c
    loc = localizations.c
    released_at = func.coalesce(r.embargo_until, r.first_created)
    query = (
        select(loc.release_id, loc.language, loc.headline, loc.summary, r.embargo_until, r.first_created)
        .join(releases, and_(r.id == loc.release_id, r.current_version == loc.version))
        .where(
            r.status != ReleaseStatus.WITHDRAWN.value,
            or_(and_(r.embargo_until.is_(None), r.first_created <= now), r.embargo_until <= now),
            or_(loc.is_original == true(), and_(loc.is_original == false(), loc.verdict.in_(sorted(DELIVERABLE)))),
            loc.headline.is_not(None),
        )
    )
    if language is not None:
        query = query.where(_language_matches(loc.language, language))
    if db.dialect.name == "postgresql":
        document = func.to_tsvector(
            "simple",
            func.concat_ws(" ", loc.headline, loc.summary, loc.body_html),
        )
        terms = func.plainto_tsquery("simple", " ".join(words))
        query = query.where(document.op("@@")(terms)).order_by(func.ts_rank(document, terms).desc())
    else:
        query = (
            query.join(
                _index,
                and_(
                    _index.c.release_id == loc.release_id,
                    _index.c.version == loc.version,
                    _index.c.language == loc.language,
                ),
            )
            .where(literal_column(SEARCH_INDEX).op("MATCH")(_fts_query(words)))
            # FTS5's rank is bm25: lower is better.
            .order_by(_index.c.rank)
        )
    query = query.order_by(released_at.desc(), loc.release_id, loc.language).limit(limit)
    return [_hit(row) for row in db.execute(query).all()]


def _fts_query(words: list[str]) -> str:
    """Each word as an FTS5 string (double quotes doubled inside), all required: no operator survives."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def _language_matches(column_: Any, tag: str) -> ColumnElement[bool]:
    folded = tag.casefold().replace("_", "-")
    subtags = folded.split("-")
    prefixes = ["-".join(subtags[:count]) for count in range(1, len(subtags) + 1)]
    lowered = func.lower(column_)
    # Standardised tags are letters, digits and hyphens: nothing LIKE would read as a wildcard.
    return or_(lowered.in_(prefixes), lowered.like(f"{folded}-%"))


def _hit(row: Any) -> SearchHit:
    moment: datetime = row.embargo_until or row.first_created
    return SearchHit(
        release_id=row.release_id,
        language=row.language,
        headline=row.headline,
        summary=row.summary,
        released_at=moment,
    )
