"""Newsroom search on both backends: finds released text only, never embargoed, held, old or withdrawn text, and
reads any query as plain words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert, update

from polywire.errors import InvalidInput
from polywire.services.search import search_released, search_words
from polywire.store.tables import localizations, release_versions, releases

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)


def _release(engine: Engine, release_id: str, *, embargo: datetime | None = None, status: str = "released") -> None:
    content: dict[str, Any] = {"headline": "h", "body_html": "<p>b</p>", "language": "en"}
    with engine.begin() as db:
        db.execute(
            insert(releases).values(
                id=release_id,
                uri=f"urn:polywire:release:{release_id}",
                organization="Acme",
                submitted_by="key_1",
                status=status,
                language="en",
                current_version=1,
                embargo_until=embargo,
                first_created=NOW - timedelta(hours=1),
                version_created=NOW - timedelta(hours=1),
            )
        )
        db.execute(
            insert(release_versions).values(
                release_id=release_id,
                version=1,
                content=content,
                pubstatus="usable",
                event="item.published",
                created_at=NOW - timedelta(hours=1),
            )
        )


def _text(engine: Engine, release_id: str, language: str, headline: str, *, verdict: str, version: int = 1) -> None:
    with engine.begin() as db:
        db.execute(
            insert(localizations).values(
                release_id=release_id,
                version=version,
                language=language,
                is_original=verdict == "original",
                engine=None,
                chain=[],
                verdict=verdict,
                findings=[],
                headline=headline,
                summary=None,
                body_html=f"<p>{headline}</p>",
                created_at=NOW - timedelta(hours=1),
            )
        )


def _found(engine: Engine, query: str, language: str | None = None) -> list[tuple[str, str]]:
    with engine.connect() as db:
        hits = search_released(db=db, words=search_words(query), language=language, now=NOW)
    return [(hit.release_id, hit.language) for hit in hits]


def test_search_finds_released_text_and_never_embargoed_held_or_withdrawn_text(migrated: Engine) -> None:
    """Only released items match: the embargo, the gate's hold and a withdrawal each hide a text from search."""
    _release(migrated, "rel_open")
    _text(migrated, "rel_open", "en", "Turbine factory opens", verdict="original")
    _text(migrated, "rel_open", "es", "Abre la fábrica de turbinas", verdict="pass")
    _text(migrated, "rel_open", "de", "Turbinenfabrik turbine eröffnet", verdict="hold")
    _release(migrated, "rel_later", embargo=NOW + timedelta(seconds=1))
    _text(migrated, "rel_later", "en", "Turbine secret plans", verdict="original")
    _release(migrated, "rel_gone", status="withdrawn")
    _text(migrated, "rel_gone", "en", "Turbine recall", verdict="original")
    assert _found(migrated, "turbine") == [("rel_open", "en")]
    assert _found(migrated, "turbinas", "es") == [("rel_open", "es")]
    assert _found(migrated, "fabrica") == ([("rel_open", "es")] if migrated.dialect.name == "sqlite" else [])
    assert _found(migrated, "secret") == []
    assert _found(migrated, "Turbinenfabrik") == []
    assert _found(migrated, "recall") == []
    # An approval makes the held translation public, and the trigger (SQLite) or the query (PostgreSQL) sees it.
    with migrated.begin() as db:
        db.execute(update(localizations).where(localizations.c.language == "de").values(verdict="approved"))
    assert _found(migrated, "Turbinenfabrik") == [("rel_open", "de")]


def test_a_correction_replaces_the_searchable_text(migrated: Engine) -> None:
    """Only the current version's text is found."""
    _release(migrated, "rel_fix")
    _text(migrated, "rel_fix", "en", "Plant in Leipzig", verdict="original")
    _text(migrated, "rel_fix", "en", "Plant in Halle", verdict="original", version=2)
    with migrated.begin() as db:
        db.execute(update(releases).where(releases.c.id == "rel_fix").values(current_version=2))
    assert _found(migrated, "Leipzig") == []
    assert _found(migrated, "Halle") == [("rel_fix", "en")]


@pytest.mark.parametrize(
    "query", ['"', 'a" OR "b', "NEAR(a b)", "headline:plant", "*", "plant AND", "^plant", "-plant", "'; --", "\\"]
)
def test_fts_syntax_in_a_query_is_plain_words(migrated: Engine, query: str) -> None:
    """Operators, quotes and column filters never reach the FTS parser as syntax: no error, at most no hit."""
    _release(migrated, "rel_syntax")
    _text(migrated, "rel_syntax", "en", "Plant opens", verdict="original")
    assert _found(migrated, query) in ([], [("rel_syntax", "en")])


def test_queries_without_words_or_too_long_are_refused_naming_q() -> None:
    """Empty and overlong queries are InvalidInput on ``q``."""
    for query in ("", "   ", "x" * 201):
        with pytest.raises(InvalidInput) as caught:
            search_words(query)
        assert caught.value.field == "q"
