"""full-text search index of localizations (SQLite FTS5), kept up to date by triggers

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-23 10:00:00

Hand-written. SQLite only: an FTS5 virtual table ``localization_search`` holds the headline, summary and body of
every localization row (the original's and each translation's, every version), keyed by (release_id, version,
language), and three triggers keep it in step with ``localizations`` whatever writes it (submission, correction,
an approval that edits the text). The index holds embargoed and held text too: the newsroom's search
(``services.search``) joins every hit back to ``releases`` and ``localizations`` and keeps only what
``services.published`` calls released, so what is indexed never decides what is shown. Existing rows are indexed
here once.

PostgreSQL needs nothing here: the search there is ``to_tsvector('simple', …) @@ plainto_tsquery(…)`` over the
same rows. FTS5 is compiled into the SQLite that every supported Python ships.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_COLUMNS = "headline, summary, body, release_id, version, language"
_NEW = "new.headline, new.summary, new.body_html, new.release_id, new.version, new.language"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # unicode61 with diacritics folded: "Leipzig" finds "LEIPZIG", "energia" finds "energía". The key columns are
    # UNINDEXED: stored for the join back, never matched.
    op.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS localization_search USING fts5("
        "headline, summary, body, release_id UNINDEXED, version UNINDEXED, language UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER IF NOT EXISTS localizations_search_insert AFTER INSERT ON localizations BEGIN "
        f"INSERT INTO localization_search ({_COLUMNS}) VALUES ({_NEW}); END"
    )
    op.execute(
        "CREATE TRIGGER IF NOT EXISTS localizations_search_update AFTER UPDATE ON localizations BEGIN "
        "DELETE FROM localization_search WHERE release_id = old.release_id AND version = old.version "
        "AND language = old.language; "
        f"INSERT INTO localization_search ({_COLUMNS}) VALUES ({_NEW}); END"
    )
    op.execute(
        "CREATE TRIGGER IF NOT EXISTS localizations_search_delete AFTER DELETE ON localizations BEGIN "
        "DELETE FROM localization_search WHERE release_id = old.release_id AND version = old.version "
        "AND language = old.language; END"
    )
    op.execute(
        f"INSERT INTO localization_search ({_COLUMNS}) "
        "SELECT headline, summary, body_html, release_id, version, language FROM localizations"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("localizations_search_insert", "localizations_search_update", "localizations_search_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS localization_search")
